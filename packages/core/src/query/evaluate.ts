/**
 * Evaluates a parsed filter against a trace in memory, with exactly the semantics of the SQL
 * compiler (see `compile-sql.ts`): used by the memory destination and to cross-check the SQL.
 */
import { traceName } from '../store/rows.js';
import type { Assessment, SpanData, TraceRecord } from '../types.js';
import type { FilterCondition, ParsedFilter } from './ast.js';
import { likeInJson, likeMatches } from './like.js';

type Scalar = string | number | null | undefined;

/** Compares like SQL: a missing value (null/undefined) never matches. */
function compare(actual: Scalar, c: FilterCondition): boolean {
  if (actual === null || actual === undefined) return false;
  const { op, value } = c;
  switch (op) {
    case '=':
      return actual === value;
    case '!=':
      return actual !== value;
    case '>':
      return (actual as number) > (value as number);
    case '>=':
      return (actual as number) >= (value as number);
    case '<':
      return (actual as number) < (value as number);
    case '<=':
      return (actual as number) <= (value as number);
    case 'LIKE':
      return typeof actual === 'string' && likeMatches(actual, value as string, false);
    case 'ILIKE':
      return typeof actual === 'string' && likeMatches(actual, value as string, true);
    case 'IN':
      return (value as readonly string[]).includes(actual as string);
    case 'NOT IN':
      return !(value as readonly string[]).includes(actual as string);
    default:
      return false;
  }
}

/** An assessment value as its comparable text (a JSON string's content, else its JSON). */
export function assessmentText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function assessmentMatches(a: Assessment, c: FilterCondition): boolean {
  if (a.kind !== c.field.entity || a.name !== c.field.key || a.valid === false) return false;
  const text = assessmentText(a.value);
  if (c.op === 'IS NULL' || c.op === 'IS NOT NULL') return text !== null;
  if (typeof c.value === 'number') return typeof a.value === 'number' && compare(a.value, c);
  return compare(text, c);
}

function spanValue(span: SpanData, key: string): Scalar {
  if (key === 'name') return span.name;
  if (key === 'type') return span.spanType ?? null;
  return span.status?.code ?? 'UNSET';
}

function textMatches(spans: readonly SpanData[], c: FilterCondition): boolean {
  const pattern = likeInJson(c.value as string);
  return spans.some((s) => likeMatches(JSON.stringify(s), pattern, c.op === 'ILIKE'));
}

function conditionHolds(trace: TraceRecord, c: FilterCondition): boolean {
  const { info } = trace;
  const spans = trace.data?.spans ?? [];
  switch (c.field.entity) {
    case 'trace':
      switch (c.field.key) {
        case 'timestamp_ms':
          return compare(info.requestTime, c);
        case 'execution_time_ms':
          return compare(info.executionDuration, c);
        case 'status':
          return compare(info.state, c);
        case 'name':
          return compare(traceName(info, spans), c);
        case 'client_request_id':
          return compare(info.clientRequestId, c);
        case 'trace_id':
          return compare(info.traceId, c);
        default:
          return textMatches(spans, c);
      }
    case 'tag':
      return compare(info.tags?.[c.field.key], c);
    case 'metadata':
      return compare(info.traceMetadata?.[c.field.key], c);
    case 'span':
      return spans.some((s) => compare(spanValue(s, c.field.key), c));
    default: {
      const any = (info.assessments ?? []).some((a) => assessmentMatches(a, c));
      return c.op === 'IS NULL' ? !any : any;
    }
  }
}

/**
 * Whether `trace` satisfies every condition of `filter` (span conditions on one same span).
 *
 * @example
 * const errors = traces.filter((t) => matchesFilter(t, parseFilter("trace.status = 'ERROR'")));
 */
export function matchesFilter(trace: TraceRecord, filter: ParsedFilter): boolean {
  const spanConditions: FilterCondition[] = [];
  for (const c of filter.conditions) {
    if (c.field.entity === 'span') spanConditions.push(c);
    else if (!conditionHolds(trace, c)) return false;
  }
  if (spanConditions.length === 0) return true;
  return (trace.data?.spans ?? []).some((s) =>
    spanConditions.every((c) => compare(spanValue(s, c.field.key), c)),
  );
}
