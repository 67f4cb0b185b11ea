/**
 * Sessions, most recently active first: turns, users, errors, latency, tokens and cost.
 */
import type { SessionSummary } from '../../wire-types.js';
import type { AppContext, Page } from '../app-context.js';
import { h, replaceChildren, statusLine } from '../dom.js';
import { createFilterBox } from '../filter-box.js';
import { formatCost, formatCount, formatDuration, formatTime } from '../format.js';
import { link, navigate } from '../router.js';

/** Mounts the session index into `root`. */
export function mountSessions(root: HTMLElement, params: URLSearchParams, ctx: AppContext): Page {
  const q = params.get('q') ?? '';
  let disposed = false;
  const filter = createFilterBox({
    id: 'session-filter',
    label: 'Only sessions with traces matching',
    value: q,
    onSubmit: (value) => navigate(link(['sessions'], { q: value })),
  });
  const body = h('tbody');
  const info = h('div', { class: 'list-info', 'aria-live': 'polite' });
  replaceChildren(
    root,
    h(
      'section',
      { class: 'page page-sessions' },
      h('h1', null, 'Sessions'),
      filter.el,
      info,
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'traces', 'aria-label': 'Sessions' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['Session', 'User', 'Turns', 'Errors', 'First', 'Last', 'Mean latency', 'Tokens', 'Cost'].map(
                (c, i) => h('th', { scope: 'col', class: i >= 6 || i === 2 || i === 3 ? 'num' : null }, c),
              ),
            ),
          ),
          body,
        ),
      ),
    ),
  );
  const load = async () => {
    try {
      const { sessions } = await ctx.api.get<{ sessions: SessionSummary[] }>('sessions', {
        exp: ctx.exp(),
        q,
        limit: 100,
      });
      if (disposed) return;
      filter.showError(null);
      replaceChildren(
        body,
        sessions.map((s) =>
          h(
            'tr',
            null,
            h('td', null, h('a', { href: link(['sessions', s.sessionId]) }, s.sessionId)),
            h('td', null, s.users.join(', ') || '—'),
            h('td', { class: 'num' }, formatCount(s.turns)),
            h('td', { class: `num${s.errors ? ' text-error' : ''}` }, formatCount(s.errors)),
            h('td', { class: 'nowrap mono' }, formatTime(s.firstRequestTime)),
            h('td', { class: 'nowrap mono' }, formatTime(s.lastRequestTime)),
            h('td', { class: 'num' }, formatDuration(s.meanLatencyMs)),
            h('td', { class: 'num' }, formatCount(s.totalTokens)),
            h('td', { class: 'num' }, formatCost(s.costUsd)),
          ),
        ),
      );
      replaceChildren(
        info,
        sessions.length
          ? `The ${sessions.length} most recently active sessions.`
          : statusLine('No sessions. Traces join a session through the metadata key mlflow.trace.session.'),
      );
    } catch (error) {
      if (!disposed) filter.showError(error);
    }
  };
  void load();
  return {
    onLiveChange: () => void load(),
    dispose() {
      disposed = true;
    },
  };
}
