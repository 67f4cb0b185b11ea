/**
 * The session index: the most recently active sessions with whole-session statistics, through
 * the core's search and statistics calls. Grouping every trace by session would cost seconds
 * on 100,000 traces; instead the newest traces are read until enough distinct sessions are
 * seen, and each of those sessions is summed by an indexed equality on its id.
 */
import type { TracingClient } from '@autolog/core';
import { metadataEquals } from '../filter-text.js';
import type { SessionSummary } from '../wire-types.js';

const SESSION_KEY = 'mlflow.trace.session';
const USER_FIELD = 'metadata.`mlflow.trace.user`';
/** Most traces read (newest first) looking for sessions. */
export const MAX_SCANNED_TRACES = 20_000;

/** Session ids in order of their newest trace matching `filterString`, at most `limit`. */
async function recentSessionIds(
  client: TracingClient,
  experimentIds: readonly string[],
  filterString: string | undefined,
  limit: number,
): Promise<string[]> {
  const ids: string[] = [];
  const seen = new Set<string>();
  let pageToken: string | undefined;
  let scanned = 0;
  do {
    const page = await client.searchTraces({
      experimentIds,
      filterString,
      maxResults: 500,
      pageToken,
      includeSpans: false,
    });
    for (const trace of page.traces) {
      const id = trace.info.traceMetadata?.[SESSION_KEY];
      if (id === undefined || seen.has(id)) continue;
      seen.add(id);
      ids.push(id);
      if (ids.length >= limit) return ids;
    }
    scanned += page.traces.length;
    pageToken = page.nextPageToken;
  } while (pageToken && scanned < MAX_SCANNED_TRACES);
  return ids;
}

/** Statistics of every turn of one session (whatever the filter), merged over its users. */
async function sessionSummary(
  client: TracingClient,
  experimentIds: readonly string[],
  sessionId: string,
): Promise<SessionSummary | undefined> {
  const groups = await client.getTraceStats({
    experimentIds,
    filterString: metadataEquals(SESSION_KEY, sessionId),
    groupBy: USER_FIELD,
  });
  if (!groups.length) return undefined;
  const turns = groups.reduce((n, g) => n + g.count, 0);
  return {
    sessionId,
    users: groups.map((g) => g.group[USER_FIELD]).filter((u): u is string => typeof u === 'string'),
    turns,
    errors: groups.reduce((n, g) => n + g.errors, 0),
    firstRequestTime: Math.min(...groups.map((g) => g.firstRequestTime)),
    lastRequestTime: Math.max(...groups.map((g) => g.lastRequestTime)),
    meanLatencyMs: groups.reduce((n, g) => n + g.latencyMs.mean * g.count, 0) / turns,
    totalTokens: groups.reduce((n, g) => n + g.tokens.total, 0),
    costUsd: groups.reduce((n, g) => n + g.costUsd, 0),
  };
}

/**
 * The `limit` sessions with the most recent traces matching `filterString` (all traces when
 * absent), most recent first, each summed over all its turns.
 */
export async function listRecentSessions(
  client: TracingClient,
  experimentIds: readonly string[],
  filterString: string | undefined,
  limit: number,
): Promise<SessionSummary[]> {
  const ids = await recentSessionIds(client, experimentIds, filterString, limit);
  const out: SessionSummary[] = [];
  for (const id of ids) {
    const summary = await sessionSummary(client, experimentIds, id);
    if (summary) out.push(summary);
  }
  return out.sort((a, b) => b.lastRequestTime - a.lastRequestTime);
}
