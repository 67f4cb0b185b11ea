/**
 * One trace: its header (state, time, duration, tokens, cost, user, session), the span tree
 * beside the waterfall, and tabs for the selected span, feedback, and the trace's metadata.
 */

import { metadataEquals } from '../../filter-text.js';
import type { WireTraceInfo as TraceInfo, TraceResponse } from '../../wire-types.js';
import type { AppContext, Page } from '../app-context.js';
import { h, replaceChildren, statusLine } from '../dom.js';
import { feedbackPanel } from '../feedback-panel.js';
import { formatCost, formatCount, formatDuration, formatTime } from '../format.js';
import { jsonView } from '../json-view.js';
import { link, rememberInUrl } from '../router.js';
import { spanDetail } from '../span-detail.js';
import { buildSpanTree, type SpanNode } from '../span-tree-model.js';
import { createSpanTreeView } from '../span-tree-view.js';
import { createTabs } from '../tabs.js';

function traceHeader(trace: TraceResponse): HTMLElement {
  const info = trace.info;
  const meta = info.traceMetadata ?? {};
  const user = meta['mlflow.trace.user'];
  const session = meta['mlflow.trace.session'];
  const usage = info.tokenUsage;
  const item = (label: string, value: HTMLElement | string) =>
    h(
      'div',
      { class: 'fact' },
      h('span', { class: 'fact-label' }, label),
      h('span', { class: 'fact-value' }, value),
    );
  return h(
    'header',
    { class: 'trace-header' },
    h('a', { href: '#/traces', class: 'back' }, '← Traces'),
    h('h1', null, info.tags?.['mlflow.traceName'] ?? info.traceId),
    h('span', { class: `badge state-${info.state.toLowerCase()}` }, info.state),
    h(
      'div',
      { class: 'facts-inline' },
      item('Started', formatTime(info.requestTime)),
      item('Duration', formatDuration(info.executionDuration)),
      item('Spans', String(trace.spans.length)),
      item(
        'Tokens',
        usage ? `${formatCount(usage.input_tokens)} in · ${formatCount(usage.output_tokens)} out` : '—',
      ),
      item('Cost', formatCost(trace.costUsd)),
      item(
        'User',
        user
          ? h('a', { href: link(['traces'], { q: metadataEquals('mlflow.trace.user', user) }) }, user)
          : '—',
      ),
      item('Session', session ? h('a', { href: link(['sessions', session]) }, session) : '—'),
      item('Trace id', h('span', { class: 'mono small' }, info.traceId)),
    ),
  );
}

function keyValueTable(title: string, record: Record<string, string>): HTMLElement {
  const entries = Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
  return h(
    'section',
    { class: 'kv' },
    h('h3', null, title),
    entries.length
      ? h(
          'table',
          { class: 'attrs' },
          h(
            'tbody',
            null,
            entries.map(([k, v]) =>
              h('tr', null, h('th', { scope: 'row', class: 'mono' }, k), h('td', { class: 'mono' }, v)),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'None.'),
  );
}

function traceInfoPanel(info: TraceInfo): HTMLElement {
  const parse = (text: string | undefined) => {
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  };
  return h(
    'div',
    { class: 'trace-info' },
    h(
      'section',
      { class: 'kv' },
      h('h3', null, 'Request'),
      info.requestPreview
        ? jsonView(parse(info.requestPreview), 'request preview')
        : h('p', { class: 'muted' }, '—'),
    ),
    h(
      'section',
      { class: 'kv' },
      h('h3', null, 'Response'),
      info.responsePreview
        ? jsonView(parse(info.responsePreview), 'response preview')
        : h('p', { class: 'muted' }, '—'),
    ),
    keyValueTable('Metadata', info.traceMetadata ?? {}),
    keyValueTable('Tags', info.tags ?? {}),
  );
}

/** Mounts the trace view into `root`. */
export function mountTrace(
  root: HTMLElement,
  traceId: string,
  params: URLSearchParams,
  ctx: AppContext,
): Page {
  let disposed = false;
  let info: TraceInfo | undefined;
  replaceChildren(root, statusLine('Loading the trace…'));
  const path = `traces/${encodeURIComponent(traceId)}`;

  const load = async () => {
    let data: TraceResponse;
    try {
      data = await ctx.api.get<TraceResponse>(path);
    } catch (error) {
      if (!disposed)
        replaceChildren(
          root,
          h('a', { href: '#/traces', class: 'back' }, '← Traces'),
          statusLine((error as Error).message, 'error'),
        );
      return;
    }
    if (disposed) return;
    performance.mark('autolog:trace-data');
    info = data.info;
    const tree = buildSpanTree(data.spans);
    const detail = h('div', { class: 'detail-pane' });
    const feedback = h('div', { class: 'feedback-pane' });
    const infoPane = h('div', { class: 'info-pane' }, traceInfoPanel(data.info));
    const header = h('div', { class: 'trace-header-slot' }, traceHeader(data));
    let selected: SpanNode | undefined;
    const tabs = createTabs(
      [
        { id: 'span', label: 'Span', panel: detail },
        { id: 'feedback', label: `Feedback (${data.info.assessments.length})`, panel: feedback },
        { id: 'trace', label: 'Trace info', panel: infoPane },
      ],
      'Trace details',
    );
    const panel = feedbackPanel(
      {
        traceId,
        selectedSpan: () =>
          selected
            ? { spanId: selected.span.spanId, name: selected.span.name, isRoot: !selected.parent }
            : undefined,
        onSaved: () => void refreshInfo(),
      },
      ctx,
    );
    feedback.appendChild(panel.el);
    const renderFeedback = (current: TraceInfo) => {
      panel.update(current.assessments);
      tabs.setLabel('feedback', `Feedback (${current.assessments.length})`);
    };
    const refreshInfo = async () => {
      const fresh = await ctx.api.get<TraceResponse>(path).catch(() => undefined);
      if (!fresh || disposed) return;
      info = fresh.info;
      replaceChildren(header, traceHeader(fresh));
      renderFeedback(fresh.info);
    };
    const view = createSpanTreeView(tree, {
      selected: params.get('span') ?? undefined,
      onSelect: (node) => {
        selected = node;
        replaceChildren(detail, spanDetail(node.span, tree.startNs, tree.endNs));
        rememberInUrl(link(['traces', traceId], { span: node.span.spanId }));
      },
    });
    renderFeedback(data.info);
    replaceChildren(
      root,
      h(
        'section',
        { class: 'page page-trace' },
        header,
        h(
          'div',
          { class: 'trace-layout' },
          h('div', { class: 'tree-pane' }, view.el),
          h('div', { class: 'side-pane' }, tabs.el),
        ),
      ),
    );
    const first = params.get('span') ?? tree.roots[0]?.span.spanId;
    if (first && tree.byId.has(first)) view.select(first, false);
    else if (!tree.roots.length) replaceChildren(detail, statusLine('This trace has no spans.'));
    performance.mark('autolog:trace-rendered');
    performance.measure('autolog:trace-render', 'autolog:trace-data', 'autolog:trace-rendered');
  };
  void load();
  return {
    onLiveChange() {
      if (info?.state === 'IN_PROGRESS') void load();
    },
    dispose() {
      disposed = true;
    },
  };
}
