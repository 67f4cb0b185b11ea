/**
 * The span tree beside its waterfall timeline: one row per visible span, the tree label on the
 * left and the span's bar on the right, on a shared time axis.
 *
 * Rows are windowed: only those on screen (plus a margin, plus the selected one) are in the
 * DOM, positioned in a full-height track, so a 2,000- or 20,000-span trace costs what a short
 * one does. It is an ARIA tree with a roving tabindex (every row carries its level, position
 * and set size): ↑/↓ move, → expands or enters, ← collapses or goes to the parent, Home/End
 * jump, Enter/Space toggle. Selection follows focus.
 */
import { h, replaceChildren } from './dom.js';
import { formatDuration } from './format.js';
import { parentIds, type SpanNode, type SpanTree, visibleNodes } from './span-tree-model.js';
import { spanRow } from './span-tree-row.js';

export interface SpanTreeView {
  el: HTMLElement;
  /** Selects a span (expanding its ancestors) and optionally focuses its row. */
  select(spanId: string, focus?: boolean): void;
}

export interface SpanTreeOptions {
  selected?: string;
  onSelect(node: SpanNode): void;
}

/** Row height in px (the stylesheet's `.wf-row` height). */
export const ROW_HEIGHT = 26;
const OVERSCAN = 12;
const TICKS = [0, 0.25, 0.5, 0.75, 1];

function axis(totalMs: number): HTMLElement {
  const el = h('div', { class: 'wf-axis', 'aria-hidden': 'true' });
  for (const t of TICKS) {
    const tick = h('span', { class: 'wf-tick' }, t === 0 ? '0' : formatDuration(totalMs * t));
    tick.style.left = `${t * 100}%`;
    el.appendChild(tick);
  }
  return el;
}

/** Builds the tree view of `tree`. */
export function createSpanTreeView(tree: SpanTree, options: SpanTreeOptions): SpanTreeView {
  const collapsed = new Set<string>();
  const position = new Map<SpanNode, [number, number]>();
  for (const list of [tree.roots, ...[...tree.byId.values()].map((n) => n.children)]) {
    list.forEach((n, i) => {
      position.set(n, [i + 1, list.length]);
    });
  }
  const totalMs = (tree.endNs - tree.startNs) / 1e6;
  let selected =
    options.selected && tree.byId.has(options.selected) ? options.selected : tree.roots[0]?.span.spanId;
  let rows: SpanNode[] = [];
  let indexOf = new Map<string, number>();
  /** Rows now in the DOM, by span id. */
  let painted = new Map<string, HTMLElement>();
  const track = h('div', { class: 'wf-track-all' });
  const body = h('div', { class: 'wf-body', role: 'tree', 'aria-label': 'Span tree' }, track);

  const rowEl = (node: SpanNode, index: number): HTMLElement => {
    const [pos, size] = position.get(node) ?? [1, 1];
    const el = spanRow(node, tree, {
      open: !collapsed.has(node.span.spanId),
      selected: node.span.spanId === selected,
      posinset: pos,
      setsize: size,
    });
    el.style.top = `${index * ROW_HEIGHT}px`;
    return el;
  };

  /** Puts the rows in the scrolled-to window (and the selected row) into the DOM. */
  const paint = () => {
    const height = body.clientHeight || window.innerHeight;
    const first = Math.max(0, Math.floor(body.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(rows.length - 1, Math.ceil((body.scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
    const want = new Map<string, number>();
    for (let i = first; i <= last; i++) want.set(rows[i].span.spanId, i);
    const sel = selected === undefined ? undefined : indexOf.get(selected);
    if (selected !== undefined && sel !== undefined) want.set(selected, sel);
    const next = new Map<string, HTMLElement>();
    for (const [id, el] of painted) {
      if (want.has(id)) next.set(id, el);
      else el.remove();
    }
    const frag = document.createDocumentFragment();
    for (const [id, i] of want) {
      if (!next.has(id)) {
        const el = rowEl(rows[i], i);
        next.set(id, el);
        frag.appendChild(el);
      }
    }
    track.appendChild(frag);
    painted = next;
  };

  /** Recomputes the visible rows (after expanding or collapsing) and repaints. */
  const render = () => {
    rows = visibleNodes(tree.roots, collapsed);
    indexOf = new Map(rows.map((n, i) => [n.span.spanId, i]));
    track.style.height = `${rows.length * ROW_HEIGHT}px`;
    body.dataset.rows = String(rows.length);
    replaceChildren(track);
    painted = new Map();
    paint();
  };

  let scheduled = false;
  body.addEventListener('scroll', () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      paint();
    });
  });

  /** Scrolls so that row `index` is inside the viewport. */
  const reveal = (index: number) => {
    const top = index * ROW_HEIGHT;
    const height = body.clientHeight;
    if (top < body.scrollTop) body.scrollTop = top;
    else if (height && top + ROW_HEIGHT > body.scrollTop + height) body.scrollTop = top + ROW_HEIGHT - height;
  };

  const choose = (spanId: string, focus: boolean) => {
    const before = selected === undefined ? undefined : painted.get(selected);
    before?.setAttribute('aria-selected', 'false');
    before?.setAttribute('tabindex', '-1');
    selected = spanId;
    const index = indexOf.get(spanId);
    if (index !== undefined && body.isConnected) reveal(index);
    paint();
    const el = painted.get(spanId);
    el?.setAttribute('aria-selected', 'true');
    el?.setAttribute('tabindex', '0');
    if (focus) el?.focus({ preventScroll: true });
    const node = tree.byId.get(spanId);
    if (node) options.onSelect(node);
  };

  const toggle = (spanId: string, open?: boolean) => {
    const node = tree.byId.get(spanId);
    if (!node?.children.length) return;
    const isOpen = !collapsed.has(spanId);
    if (open === isOpen) return;
    if (isOpen) collapsed.add(spanId);
    else collapsed.delete(spanId);
    render();
    choose(spanId, true);
  };

  body.addEventListener('click', (e) => {
    const target = e.target as HTMLElement;
    const row = target.closest<HTMLElement>('.wf-row');
    if (!row?.dataset.spanId) return;
    if (target.closest('[data-toggle]')) toggle(row.dataset.spanId);
    else choose(row.dataset.spanId, true);
  });
  body.addEventListener('keydown', (e: KeyboardEvent) => {
    if (selected === undefined) return;
    const index = indexOf.get(selected) ?? 0;
    const node = rows[index];
    if (!node) return;
    const go = (next: SpanNode | undefined) => {
      if (next) choose(next.span.spanId, true);
    };
    const id = node.span.spanId;
    const open = node.children.length > 0 && !collapsed.has(id);
    const page = Math.max(1, Math.floor(body.clientHeight / ROW_HEIGHT) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => go(rows[index + 1]),
      ArrowUp: () => go(rows[index - 1]),
      PageDown: () => go(rows[Math.min(rows.length - 1, index + page)]),
      PageUp: () => go(rows[Math.max(0, index - page)]),
      Home: () => go(rows[0]),
      End: () => go(rows[rows.length - 1]),
      ArrowRight: () => (node.children.length && !open ? toggle(id, true) : go(node.children[0])),
      ArrowLeft: () => (open ? toggle(id, false) : go(node.parent ?? undefined)),
      Enter: () => toggle(id),
      ' ': () => toggle(id),
    };
    const action = keys[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  });

  const expandAll = h(
    'button',
    {
      type: 'button',
      onclick: () => {
        collapsed.clear();
        render();
        if (selected) choose(selected, false);
      },
    },
    'Expand all',
  );
  const collapseAll = h(
    'button',
    {
      type: 'button',
      onclick: () => {
        for (const id of parentIds(tree)) collapsed.add(id);
        render();
        const root = tree.roots[0];
        if (root) choose(root.span.spanId, true);
      },
    },
    'Collapse all',
  );
  const el = h(
    'div',
    { class: 'waterfall' },
    h(
      'div',
      { class: 'wf-toolbar' },
      h(
        'span',
        { class: 'muted' },
        `${tree.byId.size} span${tree.byId.size === 1 ? '' : 's'} · ${formatDuration(totalMs)}`,
      ),
      h('span', { class: 'spacer' }),
      expandAll,
      collapseAll,
    ),
    h('div', { class: 'wf-header' }, h('div', { class: 'wf-name' }, 'Span'), axis(totalMs)),
    body,
  );
  render();
  return {
    el,
    select(spanId: string, focus = false) {
      let node = tree.byId.get(spanId)?.parent;
      let reveal = false;
      while (node) {
        if (collapsed.delete(node.span.spanId)) reveal = true;
        node = node.parent;
      }
      if (reveal) render();
      choose(spanId, focus);
    },
  };
}
