/**
 * One session as a conversation, turn by turn: what the user asked and what the app answered,
 * with each turn's time, duration, status, feedback and a link to its trace.
 */
import type {
  WireSessionTimeline as SessionTimeline,
  WireSessionTurn as SessionTurn,
} from '../../wire-types.js';
import type { AppContext, Page } from '../app-context.js';
import { turnText } from '../chat-messages.js';
import { messageView } from '../conversation-view.js';
import { h, replaceChildren, statusLine } from '../dom.js';
import { assessmentList } from '../feedback-panel.js';
import { formatDuration, formatTime } from '../format.js';
import { link } from '../router.js';

function turnView(t: SessionTurn): HTMLElement {
  return h(
    'li',
    { class: `turn${t.status === 'ERROR' ? ' turn-error' : ''}`, 'data-trace-id': t.traceId },
    h(
      'div',
      { class: 'turn-head' },
      h('strong', null, `Turn ${t.turn}`),
      h('span', { class: 'mono muted' }, formatTime(t.requestTime)),
      h('span', { class: 'muted' }, formatDuration(t.durationMs)),
      h('span', { class: `badge state-${t.status.toLowerCase()}` }, t.status),
      t.user ? h('span', { class: 'muted' }, t.user) : null,
      h('a', { href: link(['traces', t.traceId]), class: 'turn-link' }, 'Open trace →'),
    ),
    messageView({ role: 'user', content: turnText(t.request, 'request') }),
    t.status === 'ERROR' && (t.response === undefined || t.response === null)
      ? h(
          'div',
          { class: 'msg msg-error' },
          h('div', { class: 'msg-role' }, 'Error'),
          h('div', { class: 'msg-text' }, 'This turn failed; open the trace for the error and its stack.'),
        )
      : messageView({ role: 'assistant', content: turnText(t.response, 'response') }),
    t.assessments.length
      ? h(
          'details',
          { class: 'turn-assessments' },
          h('summary', null, `Feedback (${t.assessments.length})`),
          assessmentList(t.assessments),
        )
      : null,
  );
}

/** Mounts the session view into `root`. */
export function mountSession(root: HTMLElement, sessionId: string, ctx: AppContext): Page {
  let disposed = false;
  replaceChildren(root, statusLine('Loading the session…'));
  const load = async () => {
    let timeline: SessionTimeline;
    try {
      timeline = await ctx.api.get<SessionTimeline>(`sessions/${encodeURIComponent(sessionId)}`, {
        exp: ctx.exp(),
      });
    } catch (error) {
      if (!disposed) replaceChildren(root, statusLine((error as Error).message, 'error'));
      return;
    }
    if (disposed) return;
    replaceChildren(
      root,
      h(
        'section',
        { class: 'page page-session' },
        h('a', { href: '#/sessions', class: 'back' }, '← Sessions'),
        h('h1', null, 'Session ', h('span', { class: 'mono' }, sessionId)),
        h(
          'p',
          { class: 'session-facts' },
          `${timeline.turns.length} turn${timeline.turns.length === 1 ? '' : 's'}`,
          timeline.users.length ? ` · ${timeline.users.join(', ')}` : '',
          ` · ${timeline.errors} error${timeline.errors === 1 ? '' : 's'}`,
          ` · over ${formatDuration(timeline.spanMs)}`,
        ),
        timeline.turns.length
          ? h('ol', { class: 'turns', 'aria-label': 'Turns' }, timeline.turns.map(turnView))
          : statusLine('No traces in this session.'),
      ),
    );
  };
  void load();
  return {
    onLiveChange: () => void load(),
    dispose() {
      disposed = true;
    },
  };
}
