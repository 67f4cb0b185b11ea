/**
 * Span-level analysis: the slowest spans of a trace, and errors grouped by type and message
 * over the traces matching a filter.
 */
import { AutologError } from '../errors.js';
import { prepareCached } from '../query/compile-sql.js';
import { matchingRecords } from '../query/search.js';
import { whereOf } from '../query/search-local.js';
import { checkExperimentIds, filterOf } from '../query/search-options.js';
import { LocalStore } from '../store/index.js';
import type { SpanData, SpanStatusCode, SpanTypeName, TraceStore } from '../types.js';

export interface SlowSpan {
  spanId: string;
  name: string;
  spanType: SpanTypeName;
  parentId: string | null;
  /** 0 for the root, 1 for its children, … */
  depth: number;
  durationMs: number;
  /** Start relative to the trace's first span (ms, to the microsecond). */
  startOffsetMs: number;
  /** Share of the trace's total duration, 0–1. */
  fractionOfTrace: number;
  status: SpanStatusCode;
}

export interface SlowestSpansOptions {
  /** Only spans lasting at least this long (ms). Default 0. */
  minDurationMs?: number;
  /** At most this many (default 10). */
  limit?: number;
}

/** Nanoseconds as milliseconds, to the microsecond (epoch nanoseconds carry no finer precision in a double). */
const toMs = (ns: number) => Math.round(ns / 1000) / 1000;

function invalid(fn: string, message: string): AutologError {
  return new AutologError('INVALID_ARGUMENT', `${fn}: ${message}`);
}

/** The slowest finished spans of `traceId` in `store`; see the top-level `getSlowestSpans`. */
export async function slowestSpansIn(
  store: TraceStore,
  traceId: string,
  options: SlowestSpansOptions = {},
): Promise<SlowSpan[]> {
  const fn = 'getSlowestSpans';
  const minDurationMs = options.minDurationMs ?? 0;
  const limit = options.limit ?? 10;
  if (typeof minDurationMs !== 'number' || !(minDurationMs >= 0))
    throw invalid(fn, `minDurationMs must be a number ≥ 0, got ${JSON.stringify(minDurationMs)}.`);
  if (!Number.isInteger(limit) || limit < 1)
    throw invalid(fn, `limit must be a positive integer, got ${JSON.stringify(limit)}.`);
  if (typeof traceId !== 'string' || traceId === '')
    throw invalid(fn, `traceId must be a non-empty string, got ${JSON.stringify(traceId)}.`);
  const record = await store.getTrace(traceId);
  if (!record)
    throw new AutologError(
      'TRACE_NOT_FOUND',
      `${fn}: trace "${traceId}" not found in the ${store.name} destination.`,
    );
  const spans = record.data.spans;
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const depthOf = (s: SpanData): number => {
    let depth = 0;
    for (let p = s.parentId; p && byId.has(p) && depth < spans.length; p = byId.get(p)?.parentId ?? null)
      depth++;
    return depth;
  };
  const start = spans.reduce((m, s) => Math.min(m, s.startTimeNs), Number.POSITIVE_INFINITY);
  const totalMs = record.info.executionDuration;
  return spans
    .filter((s) => s.endTimeNs !== null)
    .map((s): SlowSpan => {
      const durationMs = toMs((s.endTimeNs as number) - s.startTimeNs);
      return {
        spanId: s.spanId,
        name: s.name,
        spanType: s.spanType,
        parentId: s.parentId,
        depth: depthOf(s),
        durationMs,
        startOffsetMs: toMs(s.startTimeNs - start),
        fractionOfTrace: totalMs > 0 ? Math.min(1, durationMs / totalMs) : 0,
        status: s.status?.code ?? 'UNSET',
      };
    })
    .filter((s) => s.durationMs >= minDurationMs)
    .sort((a, b) => b.durationMs - a.durationMs || a.startOffsetMs - b.startOffsetMs)
    .slice(0, limit);
}

export interface ErrorGroup {
  /** `exception.type` of the span's exception event (e.g. `TimeoutError`), or null when only the status says ERROR. */
  errorType: string | null;
  /** `exception.message`, else the span's status message. */
  message: string;
  /** Traces with this error. */
  traces: number;
  /** Spans with this error (an exception rethrown through three spans counts three times here, once in `traces`). */
  spans: number;
  /** Names of the spans that failed this way, most frequent first. */
  spanNames: string[];
  /** Up to five of the traces, newest first. */
  sampleTraceIds: string[];
  /** Epoch ms of the first and last trace with this error. */
  firstSeen: number;
  lastSeen: number;
}

export interface ErrorGroupsOptions {
  experimentIds?: readonly string[];
  filterString?: string;
  /** At most this many groups (default 20). */
  limit?: number;
}

interface ErrorSpan {
  traceId: string;
  requestTime: number;
  span: SpanData;
}

/** Type and message of a failed span: its last exception event, else its status. */
function errorOf(span: SpanData): { errorType: string | null; message: string } {
  const events = span.events ?? [];
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e.name !== 'exception') continue;
    const type = e.attributes?.['exception.type'];
    const message = e.attributes?.['exception.message'];
    return {
      errorType: typeof type === 'string' ? type : null,
      message: typeof message === 'string' ? message : (span.status?.message ?? ''),
    };
  }
  return { errorType: null, message: span.status?.message ?? '' };
}

/** Text order with nulls last. */
function byText(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** Groups failed spans by error type and message. */
export function groupErrors(items: readonly ErrorSpan[], limit: number): ErrorGroup[] {
  const groups = new Map<
    string,
    { g: ErrorGroup; traces: Map<string, number>; names: Map<string, number> }
  >();
  for (const { traceId, requestTime, span } of items) {
    const { errorType, message } = errorOf(span);
    const id = JSON.stringify([errorType, message]);
    let entry = groups.get(id);
    if (!entry) {
      entry = {
        g: {
          errorType,
          message,
          traces: 0,
          spans: 0,
          spanNames: [],
          sampleTraceIds: [],
          firstSeen: requestTime,
          lastSeen: requestTime,
        },
        traces: new Map(),
        names: new Map(),
      };
      groups.set(id, entry);
    }
    entry.g.spans++;
    entry.traces.set(traceId, requestTime);
    entry.names.set(span.name, (entry.names.get(span.name) ?? 0) + 1);
    entry.g.firstSeen = Math.min(entry.g.firstSeen, requestTime);
    entry.g.lastSeen = Math.max(entry.g.lastSeen, requestTime);
  }
  return [...groups.values()]
    .map(({ g, traces, names }) => ({
      ...g,
      traces: traces.size,
      spanNames: [...names.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([n]) => n),
      sampleTraceIds: [...traces.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, 5)
        .map(([id]) => id),
    }))
    .sort(
      (a, b) =>
        b.traces - a.traces ||
        b.spans - a.spans ||
        byText(a.message, b.message) ||
        byText(a.errorType, b.errorType),
    )
    .slice(0, limit);
}

/** Errors grouped over `store`; see the top-level `getErrorGroups`. */
export async function errorGroupsIn(
  store: TraceStore,
  options: ErrorGroupsOptions = {},
): Promise<ErrorGroup[]> {
  const fn = 'getErrorGroups';
  const limit = options.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1)
    throw invalid(fn, `limit must be a positive integer, got ${JSON.stringify(limit)}.`);
  const experimentIds = checkExperimentIds(options.experimentIds, fn);
  const filter = filterOf(options.filterString, fn);
  if (store instanceof LocalStore) {
    const db = store.database;
    const read = db.transaction(() => {
      const where = whereOf(store, { experimentIds: experimentIds ?? [store.resolveExperiment()], filter });
      // A selective filter drives from its traces; otherwise from the failed spans (few, indexed by status).
      // CROSS JOIN fixes that order: SQLite would otherwise rescan the status index per trace.
      const from = where.driven
        ? "FROM traces t CROSS JOIN spans e WHERE e.trace_id = t.trace_id AND +e.status = 'ERROR'"
        : "FROM spans e CROSS JOIN traces t WHERE t.trace_id = e.trace_id AND e.status = 'ERROR'";
      const sql = `SELECT e.trace_id, t.request_time, e.content ${from}${where.clauses.map((c) => ` AND ${c}`).join('')}`;
      const rows = prepareCached(db, sql)
        .raw()
        .all(...where.params) as Array<[string, number, string]>;
      return rows.map(([traceId, requestTime, content]) => ({
        traceId,
        requestTime,
        span: JSON.parse(content) as SpanData,
      }));
    });
    return groupErrors(read.deferred(), limit);
  }
  const records = await matchingRecords(store, { experimentIds, filterString: options.filterString });
  const items = records.flatMap((r) =>
    r.data.spans
      .filter((s) => s.status?.code === 'ERROR')
      .map((span) => ({ traceId: r.info.traceId, requestTime: r.info.requestTime, span })),
  );
  return groupErrors(items, limit);
}
