/**
 * What the viewer reads and writes, over one local store file, through the core's search,
 * annotation and analysis APIs (`TracingClient` bound to the store). Core errors become HTTP
 * errors that keep their code and, for filters, the position of the bad token.
 */
import { AutologError, InvalidFilterError, LocalStore, TracingClient, traceCost } from '@autolog/core';
import type {
  ExperimentEntry,
  SessionSummary,
  StatsResponse,
  TraceListPage,
  TraceResponse,
  WireAssessment,
  WireSessionTimeline,
} from '../wire-types.js';
import { HttpError } from './http-util.js';
import { listRecentSessions } from './session-list.js';
import { summarize } from './trace-summary.js';
import { ViewerError } from './viewer-error.js';

export interface TraceListQuery {
  experimentIds: readonly string[];
  filterString?: string;
  orderBy?: string;
  pageSize: number;
  pageToken?: string;
}

export interface StatsQuery {
  experimentIds: readonly string[];
  filterString?: string;
  groupBy?: string;
  interval: 'hour' | 'day';
}

const HTTP_STATUS: Partial<Record<string, number>> = {
  TRACE_NOT_FOUND: 404,
  ASSESSMENT_NOT_FOUND: 404,
  NOT_SUPPORTED: 501,
};

/** Maps a core error to an HTTP error; other errors pass through. */
export function toHttpError(error: unknown): unknown {
  if (error instanceof InvalidFilterError) {
    return new HttpError(400, error.code, error.message, { position: error.position, token: error.token });
  }
  if (error instanceof AutologError)
    return new HttpError(HTTP_STATUS[error.code] ?? 400, error.code, error.message);
  return error;
}

async function mapped<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toHttpError(error);
  }
}

/** What a reviewer sends with an assessment from the viewer. */
interface ReviewInput {
  traceId: string;
  name: string;
  rationale?: string;
  spanId?: string;
  reviewer: string;
}

/** The assessment fields of a review, its source the reviewer (a human). */
function reviewed(input: ReviewInput) {
  return {
    traceId: input.traceId,
    name: input.name,
    rationale: input.rationale,
    spanId: input.spanId,
    source: { sourceType: 'HUMAN' as const, sourceId: input.reviewer },
  };
}

/** The viewer's access to one store file. */
export class ViewerStore {
  readonly store: LocalStore;
  private readonly client: TracingClient;

  /** @throws ViewerError `STORE_OPEN_FAILED` when the file cannot be opened (or the experiment does not exist). */
  constructor(path: string, experimentId?: string) {
    try {
      this.store = new LocalStore({ path, experimentId });
    } catch (error) {
      throw new ViewerError('STORE_OPEN_FAILED', `Cannot open the trace store: ${(error as Error).message}`, {
        cause: error,
      });
    }
    this.client = new TracingClient({ store: this.store });
  }

  /** Experiments in the file, by id. */
  experiments(): ExperimentEntry[] {
    const rows = this.store.database
      .prepare(`SELECT experiment_id AS experimentId, name FROM experiments WHERE lifecycle_stage = 'active'`)
      .all() as ExperimentEntry[];
    return rows.sort(
      (a, b) =>
        Number(a.experimentId) - Number(b.experimentId) || a.experimentId.localeCompare(b.experimentId),
    );
  }

  /** The experiment of the newest trace (the one a person most likely wants), else the store's default. */
  newestExperiment(): string {
    // One index probe per experiment (traces_experiment_time), not a scan of every trace.
    const row = this.store.database
      .prepare(
        `SELECT e.experiment_id AS id, (SELECT MAX(t.request_time) FROM traces t WHERE t.experiment_id = e.experiment_id) AS last
         FROM experiments e ORDER BY last DESC LIMIT 1`,
      )
      .get() as { id: string; last: number | null } | undefined;
    if (row?.last === null) return this.store.resolveExperiment();
    return row?.id ?? this.store.resolveExperiment();
  }

  /**
   * Changes whenever another connection (the traced app) commits to the file: SQLite's
   * `data_version`, which costs no I/O to read.
   */
  dataVersion(): number {
    return this.store.database.pragma('data_version', { simple: true }) as number;
  }

  /** One page of the trace list (keyset pagination: as fast on page 2,000 as on page 1). */
  listTraces(q: TraceListQuery): Promise<TraceListPage> {
    return mapped(async () => {
      const page = await this.client.searchTraces({
        experimentIds: q.experimentIds,
        filterString: q.filterString,
        orderBy: q.orderBy ? [q.orderBy] : undefined,
        maxResults: q.pageSize,
        pageToken: q.pageToken,
        includeSpans: false,
      });
      return { traces: page.traces.map((t) => summarize(t.info)), nextPageToken: page.nextPageToken ?? null };
    });
  }

  /** A whole trace. @throws HttpError 404 when unknown. */
  getTrace(traceId: string): TraceResponse {
    const record = this.store.getTrace(traceId);
    if (!record) throw new HttpError(404, 'TRACE_NOT_FOUND', `Trace "${traceId}" is not in this store.`);
    return { info: record.info, spans: record.data.spans, costUsd: traceCost(record.info) ?? null };
  }

  logFeedback(input: ReviewInput & { value: boolean | number | string }): Promise<WireAssessment> {
    return mapped(() => this.client.logFeedback({ ...reviewed(input), value: input.value }));
  }

  logExpectation(input: ReviewInput & { value: unknown }): Promise<WireAssessment> {
    return mapped(() => this.client.logExpectation({ ...reviewed(input), value: input.value }));
  }

  /** Sessions, most recently active first, with statistics over all their turns. */
  listSessions(
    experimentIds: readonly string[],
    filterString: string | undefined,
    limit: number,
  ): Promise<SessionSummary[]> {
    return mapped(() => listRecentSessions(this.client, experimentIds, filterString, limit));
  }

  /** A session turn by turn. */
  sessionTimeline(sessionId: string, experimentIds: readonly string[]): Promise<WireSessionTimeline> {
    return mapped(() => this.client.getSessionTimeline(sessionId, { experimentIds }));
  }

  /** Statistics per group (`totals`) and per group and time bucket (`series`). */
  stats(q: StatsQuery): Promise<StatsResponse> {
    return mapped(async () => {
      const base = {
        experimentIds: q.experimentIds,
        filterString: q.filterString,
        groupBy: q.groupBy ? [q.groupBy] : [],
      };
      const totals = await this.client.getTraceStats(base);
      const series = await this.client.getTraceStats({ ...base, interval: q.interval });
      return { totals, series };
    });
  }

  close(): void {
    this.store.close();
  }
}
