import type { StoredTrace } from './state.js';

/** One comparison of an MLflow trace filter. */
export interface Clause {
  entity: 'trace' | 'tag' | 'metadata' | 'span' | 'feedback' | 'expectation';
  key: string;
  op: string;
  value: string | number | Array<string | number> | null;
}

/** A filter the server rejects: MLflow answers 400 `INVALID_PARAMETER_VALUE` with this message. */
export class FilterError extends Error {}

const TRACE_KEYS: Record<string, string> = {
  timestamp: 'timestamp_ms',
  timestamp_ms: 'timestamp_ms',
  execution_time_ms: 'execution_time_ms',
  status: 'status',
  state: 'status',
  name: 'name',
  client_request_id: 'client_request_id',
  trace_id: 'trace_id',
  request_id: 'trace_id',
  text: 'text',
};
const ENTITIES: Record<string, Clause['entity']> = {
  trace: 'trace',
  attributes: 'trace',
  attribute: 'trace',
  tags: 'tag',
  tag: 'tag',
  metadata: 'metadata',
  request_metadata: 'metadata',
  span: 'span',
  feedback: 'feedback',
  expectation: 'expectation',
};
const OPS = [
  'IS NOT NULL',
  'IS NULL',
  'NOT IN',
  'IN',
  'ILIKE',
  'LIKE',
  '!=',
  '<>',
  '>=',
  '<=',
  '=',
  '>',
  '<',
];

/**
 * Parses MLflow's trace filter language: comparisons joined by `AND`, identifiers such as
 * `trace.status`, `timestamp_ms`, ``metadata.`mlflow.trace.user` ``, `tags.env`, `span.type`,
 * `feedback.relevance`; strings in single or double quotes (a quote doubled inside); numbers;
 * `IN (…)` lists; `IS [NOT] NULL`.
 */
export function parseTraceFilter(filter: string): Clause[] {
  const text = filter.trim();
  if (!text) return [];
  const clauses: Clause[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new FilterError(`Invalid filter string '${filter}': ${why} at position ${i}`);
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const quoted = (q: string): string => {
    let out = '';
    i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      if (text[i] === '\\' && i + 1 < text.length) {
        out += text[i + 1];
        i += 2;
      } else if (text[i] === q && text[i + 1] === q) {
        out += q;
        i += 2;
      } else if (text[i] === q) {
        i++;
        return out;
      } else out += text[i++];
    }
  };
  const value = (): string | number => {
    ws();
    if (text[i] === "'" || text[i] === '"') return quoted(text[i]);
    const m = /^-?\d+(\.\d+)?/.exec(text.slice(i));
    if (!m) fail('expected a quoted string or a number');
    i += m![0].length;
    return Number(m![0]);
  };
  for (;;) {
    ws();
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (!ident) fail('expected an identifier');
    i += ident![0].length;
    let entity: Clause['entity'] = 'trace';
    let key = ident![0];
    if (text[i] === '.') {
      i++;
      const e = ENTITIES[ident![0].toLowerCase()];
      if (!e) fail(`unknown entity '${ident![0]}'`);
      entity = e!;
      if (text[i] === '`') {
        const end = text.indexOf('`', i + 1);
        if (end < 0) fail('unterminated backtick');
        key = text.slice(i + 1, end);
        i = end + 1;
      } else if (text[i] === '"' || text[i] === "'") key = quoted(text[i]);
      else {
        const k = /^[A-Za-z0-9_.-]+/.exec(text.slice(i));
        if (!k) fail('expected a key');
        key = k![0];
        i += key.length;
      }
    }
    if (entity === 'trace') {
      const canonical = TRACE_KEYS[key.toLowerCase()];
      if (!canonical) fail(`unknown trace attribute '${key}'`);
      key = canonical!;
    }
    ws();
    // A word operator must end at a word boundary (`IN` is not the start of `INDEX`).
    const op = OPS.find(
      (o) =>
        text.slice(i, i + o.length).toUpperCase() === o &&
        (!/[A-Z]$/.test(o) || !/[A-Za-z0-9_]/.test(text[i + o.length] ?? ' ')),
    );
    if (!op) fail('expected a comparison operator');
    i += op!.length;
    let v: Clause['value'] = null;
    if (op === 'IN' || op === 'NOT IN') {
      ws();
      if (text[i] !== '(') fail("expected '(' after IN");
      i++;
      const list: Array<string | number> = [];
      for (;;) {
        list.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ')') {
          i++;
          break;
        } else fail("expected ',' or ')'");
      }
      v = list;
    } else if (op !== 'IS NULL' && op !== 'IS NOT NULL') v = value();
    clauses.push({ entity, key, op: op === '<>' ? '!=' : op!, value: v });
    ws();
    if (i >= text.length) return clauses;
    const and = /^AND\b/i.exec(text.slice(i));
    if (!and) fail('expected AND (MLflow filters do not support OR)');
    i += 3;
  }
}

function like(value: string, pattern: string, insensitive: boolean): boolean {
  const re = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${re}$`, insensitive ? 'is' : 's').test(value);
}

function compare(actual: unknown, op: string, expected: Clause['value']): boolean {
  if (op === 'IS NULL') return actual === undefined || actual === null;
  if (op === 'IS NOT NULL') return actual !== undefined && actual !== null;
  if (actual === undefined || actual === null) return false;
  const a = typeof actual === 'object' ? JSON.stringify(actual) : actual;
  if (op === 'IN') return (expected as Array<string | number>).some((e) => String(e) === String(a));
  if (op === 'NOT IN') return !(expected as Array<string | number>).some((e) => String(e) === String(a));
  if (op === 'LIKE' || op === 'ILIKE') return like(String(a), String(expected), op === 'ILIKE');
  const numeric = typeof expected === 'number' && Number.isFinite(Number(a));
  const x = numeric ? Number(a) : String(a);
  const y = numeric ? (expected as number) : String(expected);
  switch (op) {
    case '=':
      return x === y;
    case '!=':
      return x !== y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
  }
  return false;
}

function decoded(
  attributes: Array<{ key: string; value?: Record<string, unknown> }> | undefined,
  key: string,
): unknown {
  const kv = (attributes ?? []).find((a) => a.key === key);
  const raw = kv?.value?.string_value;
  if (typeof raw !== 'string') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** The values a clause looks at in one trace (several for spans and assessments). */
function valuesOf(
  trace: StoredTrace,
  c: Clause,
  traceMs: (t: StoredTrace) => number,
  durationMs: (t: StoredTrace) => number,
): unknown[] {
  const info = trace.info;
  switch (c.entity) {
    case 'tag':
      return [info.tags?.[c.key]];
    case 'metadata':
      return [info.trace_metadata?.[c.key]];
    case 'span':
      return [...trace.spans.values()].map((s) =>
        c.key === 'name'
          ? s.name
          : c.key === 'type'
            ? decoded(s.attributes, 'mlflow.spanType')
            : String(s.status?.code ?? '').replace('STATUS_CODE_', ''),
      );
    case 'feedback':
    case 'expectation': {
      const found = [...trace.assessments.values()].filter(
        (a) => a.assessment_name === c.key && a.valid !== false && a[c.entity],
      );
      return found.length ? found.map((a) => a[c.entity].value) : [undefined];
    }
    default:
      switch (c.key) {
        case 'timestamp_ms':
          return [traceMs(trace)];
        case 'execution_time_ms':
          return [durationMs(trace)];
        case 'status':
          return [info.state];
        case 'name':
          return [info.tags?.['mlflow.traceName']];
        case 'client_request_id':
          return [info.client_request_id];
        case 'trace_id':
          return [info.trace_id];
        default: {
          const texts = [
            info.request_preview,
            info.response_preview,
            ...[...trace.spans.values()].flatMap((s) => [
              s.name,
              decoded(s.attributes, 'mlflow.spanInputs'),
              decoded(s.attributes, 'mlflow.spanOutputs'),
            ]),
          ];
          return [
            texts
              .filter((t) => t !== undefined)
              .map((t) => (typeof t === 'string' ? t : JSON.stringify(t)))
              .join('\n'),
          ];
        }
      }
  }
}

/** Whether a trace satisfies every clause (span and assessment clauses: some span / assessment does). */
export function matchesFilter(
  trace: StoredTrace,
  clauses: readonly Clause[],
  traceMs: (t: StoredTrace) => number,
  durationMs: (t: StoredTrace) => number,
): boolean {
  return clauses.every((c) => {
    const values = valuesOf(trace, c, traceMs, durationMs);
    return values.some((v) => compare(v, c.op, c.value));
  });
}
