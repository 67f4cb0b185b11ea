/**
 * Accessible tabs: a `tablist` of buttons (←/→ move between them) over `tabpanel`s.
 */
import { h } from './dom.js';

export interface Tab {
  id: string;
  label: string;
  panel: HTMLElement;
}

export interface Tabs {
  el: HTMLElement;
  show(id: string): void;
  setLabel(id: string, label: string): void;
}

/** Tabs over the given panels; the first is shown. */
export function createTabs(tabs: readonly Tab[], label: string): Tabs {
  const buttons = tabs.map((t) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `tab-${t.id}`,
        'aria-controls': `panel-${t.id}`,
        'aria-selected': 'false',
        tabindex: '-1',
      },
      t.label,
    ),
  );
  const panels = tabs.map((t) => {
    t.panel.id = `panel-${t.id}`;
    t.panel.setAttribute('role', 'tabpanel');
    t.panel.setAttribute('aria-labelledby', `tab-${t.id}`);
    t.panel.hidden = true;
    return t.panel;
  });
  const show = (id: string, focus = false) => {
    tabs.forEach((t, i) => {
      const on = t.id === id;
      buttons[i].setAttribute('aria-selected', String(on));
      buttons[i].setAttribute('tabindex', on ? '0' : '-1');
      panels[i].hidden = !on;
      if (on && focus) buttons[i].focus();
    });
  };
  buttons.forEach((b, i) => {
    b.addEventListener('click', () => show(tabs[i].id));
    b.addEventListener('keydown', (e: KeyboardEvent) => {
      const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (!step) return;
      e.preventDefault();
      show(tabs[(i + step + tabs.length) % tabs.length].id, true);
    });
  });
  show(tabs[0].id);
  return {
    el: h(
      'div',
      { class: 'tabs' },
      h('div', { role: 'tablist', 'aria-label': label, class: 'tablist' }, buttons),
      panels,
    ),
    show: (id) => show(id),
    setLabel: (id, text) => {
      const i = tabs.findIndex((t) => t.id === id);
      if (i >= 0) buttons[i].textContent = text;
    },
  };
}
