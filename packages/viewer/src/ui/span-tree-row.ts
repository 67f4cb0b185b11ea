/**
 * One row of the span tree: indent, expander, type colour and name on the left; the span's bar
 * on the waterfall and its duration on the right.
 */
import { h } from './dom.js';
import { formatDuration } from './format.js';
import { barGeometry, type SpanNode, type SpanTree, spanDurationMs } from './span-tree-model.js';

export interface RowState {
  open: boolean;
  selected: boolean;
  posinset: number;
  setsize: number;
}

/** The row element of `node` (a `treeitem`). */
export function spanRow(node: SpanNode, tree: SpanTree, state: RowState): HTMLElement {
  const { span } = node;
  const hasChildren = node.children.length > 0;
  const error = span.status?.code === 'ERROR';
  const type = String(span.spanType).toLowerCase();
  const duration = spanDurationMs(span, tree.endNs);
  const indent = h('span', { class: 'wf-indent' });
  indent.style.width = `${(node.depth - 1) * 14}px`;
  const bar = h('div', { class: `wf-bar type-${type}${error ? ' wf-error' : ''}` });
  const geo = barGeometry(span, tree);
  bar.style.left = `${geo.left * 100}%`;
  bar.style.width = `${geo.width * 100}%`;
  return h(
    'div',
    {
      class: `wf-row${error ? ' row-error' : ''}`,
      role: 'treeitem',
      'data-span-id': span.spanId,
      'aria-level': node.depth,
      'aria-posinset': state.posinset,
      'aria-setsize': state.setsize,
      'aria-expanded': hasChildren ? String(state.open) : null,
      'aria-selected': String(state.selected),
      'aria-label': `${span.name}, ${span.spanType}, ${formatDuration(duration)}${error ? ', error' : ''}`,
      tabindex: state.selected ? '0' : '-1',
    },
    h(
      'div',
      { class: 'wf-name' },
      indent,
      h(
        'span',
        { class: 'wf-twisty', 'aria-hidden': 'true', 'data-toggle': '1' },
        hasChildren ? (state.open ? '▾' : '▸') : '',
      ),
      h('span', { class: `type-dot type-${type}`, 'aria-hidden': 'true' }),
      h('span', { class: 'wf-label' }, span.name),
      error ? h('span', { class: 'err-mark', 'aria-hidden': 'true' }, '!') : null,
    ),
    h('div', { class: 'wf-track' }, bar, h('span', { class: 'wf-dur' }, formatDuration(duration))),
  );
}
