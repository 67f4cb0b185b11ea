/**
 * The selected span: type, status and timing; model, token usage and cost; errors with their
 * stack; the conversation when the span holds chat messages; inputs and outputs as collapsible
 * JSON; attributes; events.
 */
import type {
  WireSpan as SpanData,
  WireSpanEvent as SpanEvent,
  WireTokenCost as TokenCost,
  WireTokenUsage as TokenUsage,
} from '../wire-types.js';
import { conversationOf } from './chat-messages.js';
import { conversationView } from './conversation-view.js';
import { type Child, h } from './dom.js';
import { formatCost, formatCount, formatDuration, formatTime } from './format.js';
import { jsonView } from './json-view.js';
import { spanDurationMs } from './span-tree-model.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function section(title: string, ...children: Child[]): HTMLElement {
  return h(
    'details',
    { class: 'section', open: true },
    h('summary', null, h('h3', null, title)),
    h('div', { class: 'section-body' }, children),
  );
}

function facts(pairs: Array<[string, Child]>): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    pairs
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
  );
}

function usageView(usage: TokenUsage | undefined, cost: TokenCost | undefined): HTMLElement | null {
  if (!usage && !cost) return null;
  const cells = (label: string, tokens: number | undefined, usd: number | undefined) =>
    h(
      'tr',
      null,
      h('th', { scope: 'row' }, label),
      h('td', { class: 'num' }, formatCount(tokens)),
      h('td', { class: 'num' }, usd === undefined ? '' : formatCost(usd)),
    );
  return section(
    'Tokens and cost',
    h(
      'table',
      { class: 'usage' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, ''),
          h('th', { class: 'num', scope: 'col' }, 'Tokens'),
          h('th', { class: 'num', scope: 'col' }, 'Cost'),
        ),
      ),
      h(
        'tbody',
        null,
        cells('Input', usage?.input_tokens, cost?.input_cost),
        usage?.cache_read_input_tokens
          ? cells('… from cache', usage.cache_read_input_tokens, undefined)
          : null,
        cells('Output', usage?.output_tokens, cost?.output_cost),
        usage?.reasoning_tokens ? cells('… reasoning', usage.reasoning_tokens, undefined) : null,
        cells('Total', usage?.total_tokens, cost?.total_cost),
      ),
    ),
  );
}

function exceptionView(e: SpanEvent): HTMLElement {
  const a = e.attributes;
  return h(
    'div',
    { class: 'error-box', role: 'group', 'aria-label': 'Exception' },
    h(
      'div',
      { class: 'error-title' },
      String(a['exception.type'] ?? 'Error'),
      a['exception.message'] ? `: ${String(a['exception.message'])}` : '',
    ),
    a['exception.stacktrace'] ? h('pre', { class: 'stack' }, String(a['exception.stacktrace'])) : null,
  );
}

function attributeValue(value: unknown, key: string): Child {
  if (isObject(value) || Array.isArray(value)) return jsonView(value, `attribute ${key}`);
  return h('span', { class: 'mono' }, typeof value === 'string' ? value : JSON.stringify(value));
}

/** Details of `span`; times are shown relative to `traceStartNs` as well. */
export function spanDetail(span: SpanData, traceStartNs: number, traceEndNs: number): HTMLElement {
  const a = span.attributes ?? {};
  const exceptions = span.events.filter((e) => e.name === 'exception');
  const others = span.events.filter((e) => e.name !== 'exception');
  const conversation = conversationOf(span.inputs, span.outputs, a['mlflow.chat.tools']);
  const offsetMs = (span.startTimeNs - traceStartNs) / 1e6;
  const status = span.status?.code ?? 'UNSET';
  const shownAttributes = Object.entries(a).filter(
    ([k]) => k !== 'mlflow.spanInputs' && k !== 'mlflow.spanOutputs',
  );
  return h(
    'article',
    { class: 'span-detail', 'aria-label': `Span ${span.name}` },
    h(
      'header',
      { class: 'span-head' },
      h('h2', null, span.name),
      h('span', { class: `type-badge type-${String(span.spanType).toLowerCase()}` }, span.spanType),
      h(
        'span',
        { class: `badge state-${status === 'ERROR' ? 'error' : status === 'OK' ? 'ok' : 'unset'}` },
        status,
      ),
    ),
    facts([
      ['Started', `${formatTime(span.startTimeNs / 1e6)} (+${formatDuration(offsetMs)})`],
      [
        'Duration',
        span.endTimeNs === null
          ? `${formatDuration(spanDurationMs(span, traceEndNs))} (still open)`
          : formatDuration(spanDurationMs(span, traceEndNs)),
      ],
      ['Model', a['mlflow.llm.model'] === undefined ? null : String(a['mlflow.llm.model'])],
      ['Provider', a['mlflow.llm.provider'] === undefined ? null : String(a['mlflow.llm.provider'])],
      [
        'First token',
        typeof a['autolog.time_to_first_token_ms'] === 'number'
          ? formatDuration(a['autolog.time_to_first_token_ms'] as number)
          : null,
      ],
      ['Status', span.status?.message ?? null],
      ['Span id', h('span', { class: 'mono' }, span.spanId)],
    ]),
    exceptions.length || status === 'ERROR'
      ? section(
          'Error',
          exceptions.length
            ? exceptions.map(exceptionView)
            : h('div', { class: 'error-box' }, span.status.message ?? 'The span ended with status ERROR.'),
        )
      : null,
    usageView(
      isObject(a['mlflow.chat.tokenUsage'])
        ? (a['mlflow.chat.tokenUsage'] as unknown as TokenUsage)
        : undefined,
      isObject(a['mlflow.llm.cost']) ? (a['mlflow.llm.cost'] as unknown as TokenCost) : undefined,
    ),
    conversation ? section('Conversation', conversationView(conversation)) : null,
    section(
      'Inputs',
      span.inputs === undefined
        ? h('p', { class: 'muted' }, 'No inputs recorded.')
        : jsonView(span.inputs, 'inputs'),
    ),
    section(
      'Outputs',
      span.outputs === undefined
        ? h('p', { class: 'muted' }, 'No outputs recorded.')
        : jsonView(span.outputs, 'outputs'),
    ),
    shownAttributes.length
      ? section(
          'Attributes',
          h(
            'table',
            { class: 'attrs' },
            h(
              'tbody',
              null,
              shownAttributes.map(([k, v]) =>
                h(
                  'tr',
                  null,
                  h('th', { scope: 'row', class: 'mono' }, k),
                  h('td', null, attributeValue(v, k)),
                ),
              ),
            ),
          ),
        )
      : null,
    others.length
      ? section(
          'Events',
          h(
            'ol',
            { class: 'events' },
            others.map((e) =>
              h(
                'li',
                null,
                h('span', { class: 'mono muted' }, `+${formatDuration((e.timeNs - traceStartNs) / 1e6)} `),
                h('strong', null, e.name),
                Object.keys(e.attributes ?? {}).length ? jsonView(e.attributes, `event ${e.name}`) : null,
              ),
            ),
          ),
        )
      : null,
  );
}
