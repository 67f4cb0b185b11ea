/**
 * A session turn by turn: the traces with metadata `mlflow.trace.session` = the session id,
 * oldest first, each with its time, duration, status, request and response.
 */
import { AutologError } from '../errors.js';
import { formatFilter } from '../query/ast.js';
import { matchingRecords } from '../query/search.js';
import { checkExperimentIds } from '../query/search-options.js';
import { tracesToRows } from '../query/to-rows.js';
import { SESSION_KEY, USER_KEY } from '../store/rows.js';
import type { Assessment, TraceState, TraceStore } from '../types.js';

export interface SessionTurn {
  /** 1-based position in the session. */
  turn: number;
  traceId: string;
  /** Epoch ms of the request. */
  requestTime: number;
  durationMs: number;
  status: TraceState;
  /** The root span's inputs and outputs. */
  request: unknown;
  response: unknown;
  user: string | null;
  /** Valid (not overridden) feedback and expectations of the turn. */
  assessments: Assessment[];
}

export interface SessionTimeline {
  sessionId: string;
  turns: SessionTurn[];
  /** Distinct users in the session, in order of appearance. */
  users: string[];
  errors: number;
  /** From the first request to the end of the last turn (ms); 0 for no turns. */
  spanMs: number;
}

/** The timeline of `sessionId` in `store`; see the top-level `getSessionTimeline`. */
export async function sessionTimelineIn(
  store: TraceStore,
  sessionId: string,
  options: { experimentIds?: readonly string[] } = {},
): Promise<SessionTimeline> {
  if (typeof sessionId !== 'string' || sessionId === '') {
    throw new AutologError(
      'INVALID_ARGUMENT',
      `getSessionTimeline: sessionId must be a non-empty string, got ${JSON.stringify(sessionId)}.`,
    );
  }
  const experimentIds = checkExperimentIds(options.experimentIds, 'getSessionTimeline');
  const filterString = formatFilter({
    conditions: [{ field: { entity: 'metadata', key: SESSION_KEY }, op: '=', value: sessionId, position: 0 }],
  });
  const records = await matchingRecords(store, {
    experimentIds,
    filterString,
    orderBy: ['timestamp_ms ASC'],
  });
  const rows = tracesToRows(records);
  const turns = rows.map(
    (row, i): SessionTurn => ({
      turn: i + 1,
      traceId: row.trace_id,
      requestTime: row.request_time,
      durationMs: row.execution_duration,
      status: row.state,
      request: row.request,
      response: row.response,
      user: row.trace_metadata[USER_KEY] ?? null,
      assessments: row.assessments.filter((a) => a.valid !== false),
    }),
  );
  const users = [...new Set(turns.map((t) => t.user).filter((u): u is string => u !== null))];
  const last = turns[turns.length - 1];
  return {
    sessionId,
    turns,
    users,
    errors: turns.filter((t) => t.status === 'ERROR').length,
    spanMs: last
      ? turns.reduce((m, t) => Math.max(m, t.requestTime + t.durationMs), 0) - turns[0].requestTime
      : 0,
  };
}
