/**
 * The analysis calls as top-level functions over the configured store.
 */
import { TracingClient } from '../client.js';
import type { ErrorGroup, ErrorGroupsOptions, SlowestSpansOptions, SlowSpan } from './spans.js';
import type { TraceStats, TraceStatsOptions } from './stats.js';
import type { SessionTimeline } from './timeline.js';

/**
 * Statistics of the traces matching a filter, grouped by any metadata or tag key (or status,
 * name, hour or day): count, distinct users and sessions, errors and error rate, latency
 * mean / p50 / p95 (linear interpolation, as pandas), tokens and cost. Groups come sorted by
 * their values, traces lacking a key last under `null`.
 * @example
 * // Interactions, users and latency per app version (seed 002).
 * for (const s of await getTraceStats({ groupBy: 'metadata.app_version' })) {
 *   console.log(s.group['metadata.app_version'], s.count, s.users, s.latencyMs.p95);
 * }
 * // One user's last 7 days.
 * const [report] = await getTraceStats({ filterString: `metadata.\`mlflow.trace.user\` = 'user-123' AND trace.timestamp_ms > ${Date.now() - 7 * 86_400_000}` });
 */
export async function getTraceStats(options: TraceStatsOptions = {}): Promise<TraceStats[]> {
  return new TracingClient().getTraceStats(options);
}

/**
 * A session turn by turn (metadata `mlflow.trace.session`), oldest first: time, duration,
 * status, request and response of each turn, and its valid assessments.
 * @example
 * const { turns } = await getSessionTimeline('session-abc-0');
 * for (const t of turns) console.log(t.turn, new Date(t.requestTime), t.durationMs, t.status, t.response);
 */
export async function getSessionTimeline(
  sessionId: string,
  options: { experimentIds?: readonly string[] } = {},
): Promise<SessionTimeline> {
  return new TracingClient().getSessionTimeline(sessionId, options);
}

/**
 * The slowest finished spans of a trace (at least `minDurationMs`, at most `limit`, default
 * 10), slowest first, with their depth in the tree and share of the trace's duration.
 * @throws AutologError `TRACE_NOT_FOUND` naming the trace.
 * @example
 * const slow = await getSlowestSpans(traceId, { minDurationMs: 500 });
 */
export async function getSlowestSpans(
  traceId: string,
  options: SlowestSpansOptions = {},
): Promise<SlowSpan[]> {
  return new TracingClient().getSlowestSpans(traceId, options);
}

/**
 * Errors of the traces matching a filter, grouped by exception type and message: how many
 * traces and spans, which span names, sample trace ids, first and last seen. Most frequent first.
 * @example
 * const groups = await getErrorGroups({ filterString: `trace.timestamp_ms > ${Date.now() - 86_400_000}` });
 */
export async function getErrorGroups(options: ErrorGroupsOptions = {}): Promise<ErrorGroup[]> {
  return new TracingClient().getErrorGroups(options);
}
