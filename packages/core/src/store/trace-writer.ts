/**
 * The write path of the local store: a batch of traces in one `BEGIN IMMEDIATE` transaction
 * with the cached prepared statements, replacing any earlier rows of the same trace ids.
 */
import type Database from 'better-sqlite3';
import type { TraceRecord } from '../types.js';
import { ensureExperimentId } from './experiments.js';
import { assessmentParams, spanParams, TRACE_NAME_TAG, traceName, traceParams } from './rows.js';
import { isBusyError, withBusyRetry } from './sqlite-util.js';
import type { Statements } from './statements.js';

/** Thrown by `export` when some traces of a batch could not be written (the others were). */
export class StoreWriteError extends Error {
  constructor(
    message: string,
    readonly failedTraceIds: string[],
    options: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'StoreWriteError';
  }
}

export class TraceWriter {
  /** Experiment ids known to exist, so each batch does not look them up again. */
  private readonly knownExperiments = new Set<string>();
  private readonly writeBatch: Database.Transaction<(traces: readonly TraceRecord[]) => void>;

  constructor(
    private readonly db: Database.Database,
    private readonly s: Statements,
    private readonly path: string,
    private readonly defaultExperimentId: string,
  ) {
    this.writeBatch = db.transaction((traces: readonly TraceRecord[]) => {
      for (const trace of traces) this.writeTrace(trace);
    });
  }

  /**
   * Writes the batch in one transaction, retrying on SQLITE_BUSY. If it fails for another
   * reason, writes the traces one by one so one bad trace does not hold back the others, and
   * reports the failures in a {@link StoreWriteError}.
   */
  write(traces: readonly TraceRecord[]): void {
    if (traces.length === 0) return;
    try {
      withBusyRetry(this.db, () => this.writeBatch.immediate(traces));
    } catch (err) {
      this.knownExperiments.clear();
      if (traces.length === 1 || isBusyError(err)) throw err;
      this.writeOneByOne(traces);
    }
  }

  private writeTrace(trace: TraceRecord): void {
    const s = this.s;
    const info = trace.info;
    const spans = trace.data?.spans ?? [];
    const traceId = info.traceId;
    const experimentId = info.experimentId || this.defaultExperimentId;
    if (!this.knownExperiments.has(experimentId)) {
      ensureExperimentId(s, experimentId);
      this.knownExperiments.add(experimentId);
    }
    s.deleteTrace.run(traceId);
    const name = traceName(info, spans);
    s.insertTrace.run(...traceParams(info, experimentId, name));
    const tags = info.tags ?? {};
    for (const key of Object.keys(tags)) s.insertTag.run(traceId, key, String(tags[key]));
    if (name !== null && tags[TRACE_NAME_TAG] === undefined) {
      s.insertTag.run(traceId, TRACE_NAME_TAG, name);
    }
    const metadata = info.traceMetadata ?? {};
    for (const key of Object.keys(metadata)) {
      s.insertMetadata.run(traceId, key, String(metadata[key]));
    }
    for (const span of spans) s.insertSpan.run(...spanParams(traceId, span));
    const assessments = info.assessments ?? [];
    for (const a of assessments) s.upsertAssessment.run(...assessmentParams(a, traceId));
    for (const a of assessments) {
      if (a.overrides && a.overrides !== a.assessmentId) {
        s.invalidateAssessment.run(traceId, a.overrides);
      }
    }
  }

  private writeOneByOne(traces: readonly TraceRecord[]): void {
    const failed: string[] = [];
    let firstError: unknown;
    for (const trace of traces) {
      try {
        withBusyRetry(this.db, () => this.writeBatch.immediate([trace]));
      } catch (err) {
        this.knownExperiments.clear();
        if (isBusyError(err)) throw err;
        failed.push(trace.info?.traceId);
        firstError ??= err;
      }
    }
    if (failed.length === 0) return;
    const reason = firstError instanceof Error ? firstError.message : String(firstError);
    throw new StoreWriteError(
      `Could not write ${failed.length} of ${traces.length} traces to the local trace store at ` +
        `"${this.path}" (the others were written): ${reason}`,
      failed,
      { cause: firstError },
    );
  }
}
