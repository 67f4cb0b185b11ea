/**
 * The trace list: newest first, a filter box, sortable columns and keyset pagination (Older /
 * Newer), refreshed live while the first page is shown.
 */

import { metadataEquals } from '../../filter-text.js';
import type { TraceListPage, TraceSummary } from '../../wire-types.js';
import type { AppContext, Page } from '../app-context.js';
import { turnText } from '../chat-messages.js';
import { h, replaceChildren, statusLine } from '../dom.js';
import { createFilterBox } from '../filter-box.js';
import { formatCost, formatCount, formatDuration, formatTime, oneLine } from '../format.js';
import { link, navigate } from '../router.js';

const PAGE_SIZE = 50;

/** Page tokens per search, so coming back from a trace shows the same page. */
const pagesBySearch = new Map<string, { tokens: Array<string | undefined>; index: number }>();

const SORTABLE: Record<string, string> = {
  time: 'timestamp_ms',
  name: 'name',
  state: 'status',
  duration: 'execution_time_ms',
};

const EXAMPLES = [
  { label: 'Errors', filter: "trace.status = 'ERROR'" },
  { label: 'Slower than 2 s', filter: 'trace.execution_time_ms > 2000' },
  {
    label: 'Last hour',
    filter: `trace.timestamp_ms > ${Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000}`,
  },
  { label: 'Thumbs down', filter: "feedback.user_satisfaction = 'false'" },
  { label: 'Rated', filter: 'feedback.user_satisfaction IS NOT NULL' },
];

function stateBadge(state: string): HTMLElement {
  return h(
    'span',
    { class: `badge state-${state.toLowerCase()}` },
    state === 'IN_PROGRESS' ? 'RUNNING' : state,
  );
}

/** The text of a request or response preview (previews are JSON, possibly cut short). */
function previewText(preview: string | null, side: 'request' | 'response'): string {
  if (!preview) return '';
  try {
    return oneLine(turnText(JSON.parse(preview), side), 90);
  } catch {
    return oneLine(preview, 90);
  }
}

function row(t: TraceSummary, fresh: boolean): HTMLTableRowElement {
  const request = previewText(t.requestPreview, 'request');
  const response = previewText(t.responsePreview, 'response');
  const href = link(['traces', t.traceId]);
  const tokens = t.tokens ? t.tokens.total_tokens : null;
  const tr = h(
    'tr',
    { class: fresh ? 'fresh' : null, 'data-trace-id': t.traceId },
    h('td', { class: 'nowrap mono' }, formatTime(t.requestTime)),
    h(
      'td',
      { class: 'name-cell' },
      h('a', { href, class: 'trace-link' }, t.name ?? t.traceId),
      t.assessmentCount
        ? h(
            'span',
            { class: 'count-pill', title: `${t.assessmentCount} assessments` },
            `★ ${t.assessmentCount}`,
          )
        : null,
      request || response
        ? h(
            'div',
            { class: 'preview' },
            request,
            response
              ? [h('span', { class: 'preview-arrow', 'aria-label': 'answered' }, '→'), response]
              : null,
          )
        : null,
    ),
    h(
      'td',
      null,
      t.user
        ? h(
            'a',
            {
              href: link(['traces'], { q: metadataEquals('mlflow.trace.user', t.user) }),
              title: 'Only this user',
            },
            t.user,
          )
        : '—',
    ),
    h(
      'td',
      null,
      t.session
        ? h('a', { href: link(['sessions', t.session]), title: 'Open the session' }, oneLine(t.session, 28))
        : '—',
    ),
    h('td', null, stateBadge(t.state)),
    h('td', { class: 'num' }, formatDuration(t.durationMs)),
    h('td', { class: 'num' }, formatCount(tokens)),
    h('td', { class: 'num' }, formatCost(t.costUsd)),
  );
  tr.addEventListener('click', (e) => {
    if ((e.target as HTMLElement).closest('a, button')) return;
    navigate(href);
  });
  return tr;
}

/** Mounts the trace list into `root`. */
export function mountTraceList(root: HTMLElement, params: URLSearchParams, ctx: AppContext): Page {
  const q = params.get('q') ?? '';
  const order = params.get('order') ?? '';
  const key = `${ctx.exp()}|${q}|${order}`;
  const paging = pagesBySearch.get(key) ?? { tokens: [undefined], index: 0 };
  pagesBySearch.set(key, paging);
  let disposed = false;
  let shownIds = new Set<string>();
  const filter = createFilterBox({
    id: 'trace-filter',
    label: 'Filter traces',
    value: q,
    examples: EXAMPLES,
    onSubmit: (value) => {
      pagesBySearch.delete(`${ctx.exp()}|${value}|${order}`);
      navigate(link(['traces'], { q: value, order }));
    },
  });
  const body = h('tbody');
  const banner = h('div', { class: 'banner', hidden: true });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  const info = h('div', { class: 'list-info', 'aria-live': 'polite' });
  const [sortField, sortDir] = order ? order.split(/\s+/) : ['timestamp_ms', 'DESC'];
  const header = (label: string, col: string, numeric = false) => {
    const field = SORTABLE[col];
    if (!field) return h('th', { scope: 'col', class: numeric ? 'num' : null }, label);
    const active = sortField === field;
    const dir = active && sortDir?.toUpperCase() === 'DESC' ? 'ASC' : 'DESC';
    return h(
      'th',
      {
        scope: 'col',
        class: numeric ? 'num' : null,
        'aria-sort': active ? (sortDir?.toUpperCase() === 'ASC' ? 'ascending' : 'descending') : 'none',
      },
      h(
        'a',
        { href: link(['traces'], { q, order: `${field} ${dir}` }), class: 'sort' },
        label,
        active ? (sortDir?.toUpperCase() === 'ASC' ? ' ▲' : ' ▼') : '',
      ),
    );
  };
  const table = h(
    'table',
    { class: 'traces', 'aria-label': 'Traces' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        header('Time', 'time'),
        header('Name', 'name'),
        header('User', 'user'),
        header('Session', 'session'),
        header('State', 'state'),
        header('Duration', 'duration', true),
        header('Tokens', 'tokens', true),
        header('Cost', 'cost', true),
      ),
    ),
    body,
  );
  replaceChildren(
    root,
    h(
      'section',
      { class: 'page page-traces' },
      h('h1', { class: 'visually-hidden' }, 'Traces'),
      filter.el,
      banner,
      info,
      h('div', { class: 'table-wrap' }, table),
      pager,
    ),
  );

  const renderPager = (page: TraceListPage) => {
    const older = h(
      'button',
      {
        type: 'button',
        disabled: !page.nextPageToken,
        onclick: () => {
          paging.tokens[paging.index + 1] = page.nextPageToken ?? undefined;
          paging.index++;
          void load();
        },
      },
      'Older →',
    );
    const newer = h(
      'button',
      {
        type: 'button',
        disabled: paging.index === 0,
        onclick: () => {
          paging.index--;
          void load();
        },
      },
      '← Newer',
    );
    const first = h(
      'button',
      {
        type: 'button',
        disabled: paging.index === 0,
        onclick: () => {
          paging.index = 0;
          void load();
        },
      },
      'Newest',
    );
    replaceChildren(pager, first, newer, h('span', { class: 'page-no' }, `Page ${paging.index + 1}`), older);
  };

  const load = async (live = false) => {
    try {
      const page = await ctx.api.get<TraceListPage>('traces', {
        exp: ctx.exp(),
        q,
        order,
        pageSize: PAGE_SIZE,
        pageToken: paging.tokens[paging.index],
      });
      if (disposed) return;
      filter.showError(null);
      replaceChildren(
        body,
        page.traces.map((t) => row(t, live && !shownIds.has(t.traceId))),
      );
      shownIds = new Set(page.traces.map((t) => t.traceId));
      replaceChildren(
        info,
        page.traces.length
          ? `Showing ${page.traces.length} traces${q ? ' matching the filter' : ''}, ${order ? `sorted by ${order}` : 'newest first'}.`
          : statusLine(
              q
                ? 'No trace matches this filter.'
                : 'No traces yet. Run your app with Autolog and they appear here as they arrive.',
            ),
      );
      renderPager(page);
      banner.hidden = true;
    } catch (error) {
      if (disposed) return;
      replaceChildren(body);
      replaceChildren(info);
      filter.showError(error);
    }
  };
  void load();
  return {
    onLiveChange() {
      if (paging.index === 0) {
        void load(true);
        return;
      }
      replaceChildren(
        banner,
        'New traces have arrived. ',
        h(
          'button',
          {
            type: 'button',
            onclick: () => {
              paging.index = 0;
              void load(true);
            },
          },
          'Show newest',
        ),
      );
      banner.hidden = false;
    },
    dispose() {
      disposed = true;
    },
  };
}
