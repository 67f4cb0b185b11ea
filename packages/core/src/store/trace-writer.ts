/**
 * The write path of the local store: a batch of traces in one `BEGIN IMMEDIATE` transaction
 * with the cached prepared statements, replacing any earlier rows of the same trace ids.
 */
import type Database from 'better-sqlite3';
import type { TraceRecord } from '../types.js';
import { ensureExperimentId } from './experiments.js';
import { assessmentParams, spanParams, TRACE_NAME_TAG, traceName, traceParams } from './rows.js';
import { isSharedMetadataKey, sharedSetDigest } from './shared-metadata.js';
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
  /** Ids of shared metadata sets by digest (sets never change once written). */
  private readonly knownSets = new Map<string, number>();
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
      this.forgetUncommitted();
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
    const name = traceName(info, spans);
    const metadata = info.traceMetadata ?? {};
    let own: string[] | undefined;
    let shared: [string, string][] | undefined;
    for (const key of Object.keys(metadata)) {
      if (isSharedMetadataKey(key)) (shared ??= []).push([key, String(metadata[key])]);
      else (own ??= []).push(key);
    }
    const params = traceParams(info, experimentId, name, shared ? this.metadataSet(shared) : null);
    // A trace id written again replaces all its rows (the delete cascades to them).
    if (s.insertTrace.run(...params).changes === 0) {
      s.deleteTrace.run(traceId);
      s.insertTrace.run(...params);
    }
    const tags = info.tags ?? {};
    for (const key of Object.keys(tags)) s.insertTag.run(traceId, key, String(tags[key]));
    if (name !== null && tags[TRACE_NAME_TAG] === undefined) {
      s.insertTag.run(traceId, TRACE_NAME_TAG, name);
    }
    if (own) for (const key of own) s.insertMetadata.run(traceId, key, String(metadata[key]));
    for (const span of spans) s.insertSpan.run(...spanParams(traceId, span));
    const assessments = info.assessments ?? [];
    for (const a of assessments) s.upsertAssessment.run(...assessmentParams(a, traceId));
    for (const a of assessments) {
      if (a.overrides && a.overrides !== a.assessmentId) {
        s.invalidateAssessment.run(traceId, a.overrides);
      }
    }
  }

  /** The id of the shared metadata set with these entries, written on first use. */
  private metadataSet(entries: [string, string][]): number {
    const digest = sharedSetDigest(entries);
    const known = this.knownSets.get(digest);
    if (known !== undefined) return known;
    const s = this.s;
    const inserted = s.insertMetadataSet.run(digest);
    let id: number;
    if (inserted.changes > 0) {
      id = Number(inserted.lastInsertRowid);
      for (const [key, value] of entries) s.insertSharedMetadata.run(id, key, value);
    } else id = s.metadataSetByDigest.get(digest) as number;
    this.knownSets.set(digest, id);
    return id;
  }

  /** After a rolled-back transaction: rows it created may not exist. */
  private forgetUncommitted(): void {
    this.knownExperiments.clear();
    this.knownSets.clear();
  }

  private writeOneByOne(traces: readonly TraceRecord[]): void {
    const failed: string[] = [];
    let firstError: unknown;
    for (const trace of traces) {
      try {
        withBusyRetry(this.db, () => this.writeBatch.immediate([trace]));
      } catch (err) {
        this.forgetUncommitted();
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
