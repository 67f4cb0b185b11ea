/**
 * Collapsible JSON: objects and arrays are native `<details>` (keyboard and screen-reader
 * friendly), opened to a shallow depth; long arrays show their first items and a "show more".
 */
import { h } from './dom.js';

/** Depth opened at first: everything for a small value, two levels for a large one. */
const OPEN_DEPTH = 2;
const SMALL_JSON_CHARS = 1200;
const FIRST_ITEMS = 100;

function primitive(value: unknown): HTMLElement {
  if (value === null) return h('span', { class: 'j-null' }, 'null');
  switch (typeof value) {
    case 'string':
      return h('span', { class: 'j-str' }, value);
    case 'number':
      return h('span', { class: 'j-num' }, String(value));
    case 'boolean':
      return h('span', { class: 'j-bool' }, String(value));
    default:
      return h('span', { class: 'j-null' }, String(value));
  }
}

function summaryText(value: object): string {
  if (Array.isArray(value)) return `[${value.length} item${value.length === 1 ? '' : 's'}]`;
  const keys = Object.keys(value);
  const head = keys.slice(0, 4).join(', ');
  return `{${head}${keys.length > 4 ? ', …' : ''}}`;
}

function entries(value: object): Array<[string, unknown]> {
  return Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
}

function node(key: string | null, value: unknown, depth: number, openDepth: number): HTMLElement {
  const label = key === null ? null : h('span', { class: 'j-key' }, `${key}: `);
  if (value === null || typeof value !== 'object')
    return h('div', { class: 'j-row' }, label, primitive(value));
  const all = entries(value);
  const details = h(
    'details',
    { class: 'j-node', open: depth < openDepth && all.length <= 50 },
    h('summary', null, label, h('span', { class: 'j-summary' }, summaryText(value))),
  );
  const body = h('div', { class: 'j-children' });
  details.appendChild(body);
  let filled = false;
  const fill = () => {
    if (filled) return;
    filled = true;
    const first = all.slice(0, FIRST_ITEMS);
    for (const [k, v] of first) body.appendChild(node(k, v, depth + 1, openDepth));
    if (all.length > FIRST_ITEMS) {
      const more = h(
        'button',
        { type: 'button', class: 'link-button' },
        `Show ${all.length - FIRST_ITEMS} more`,
      );
      more.addEventListener('click', () => {
        more.remove();
        for (const [k, v] of all.slice(FIRST_ITEMS)) body.appendChild(node(k, v, depth + 1, openDepth));
      });
      body.appendChild(more);
    }
  };
  // Children are built when first opened: a 2 MB output costs nothing until someone looks.
  if (details.open) fill();
  else details.addEventListener('toggle', fill, { once: true });
  return details;
}

/** A JSON value as a collapsible tree, with a button that copies it as JSON. */
export function jsonView(value: unknown, label: string): HTMLElement {
  const copy = h(
    'button',
    { type: 'button', class: 'link-button copy', 'aria-label': `Copy ${label} as JSON` },
    'Copy',
  );
  copy.addEventListener('click', () => {
    void navigator.clipboard?.writeText(JSON.stringify(value, null, 2)).then(() => {
      copy.textContent = 'Copied';
      setTimeout(() => (copy.textContent = 'Copy'), 1500);
    });
  });
  let size = Number.POSITIVE_INFINITY;
  try {
    size = JSON.stringify(value)?.length ?? 0;
  } catch {
    // unserialisable: treat as large
  }
  return h(
    'div',
    { class: 'json-view', 'aria-label': label },
    copy,
    node(null, value, 0, size <= SMALL_JSON_CHARS ? 8 : OPEN_DEPTH),
  );
}
