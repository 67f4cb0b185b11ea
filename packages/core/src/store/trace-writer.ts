/**
 * The write path of the local store: a batch of traces in one `BEGIN IMMEDIATE` transaction
 * with the cached prepared statements, replacing any earlier rows of the same trace ids.
 */
import type Database from 'better-sqlite3';
import type { TraceRecord } from '../types.js';
import { ensureExperimentId } from './experiments.js';
import { assessmentParams, type EncodedTrace, encodeTrace, TRACE_NAME_TAG, traceParams } from './rows.js';
import { isSharedMetadataKey, metadataColumn, sharedSetDigest } from './shared-metadata.js';
import { isBusyError, withBusyRetry } from './sqlite-util.js';
import type { Statements } from './statements.js';

/** Thrown by `export` when some traces of a batch could not be written (the others were). */
export class StoreWriteError extends Error {
  constructor(
    message: string,
    readonly failedTraceIds: string[],
    options: { cause: unknown },
    /** Traces that can never be written (they cannot be encoded); a retry would fail again. */
    readonly rejected?: readonly TraceRecord[],
  ) {
    super(message, options);
    this.name = 'StoreWriteError';
  }
}

/**
 * Encodes each trace for the writer; one that cannot be encoded (e.g. a value JSON cannot
 * hold) is set aside, so it does not hold back the others. `write` then writes the rest and
 * `rejectUnencoded` reports the ones set aside.
 */
export function encodeEach(traces: readonly TraceRecord[]): {
  encoded: EncodedTrace[];
  unencoded: TraceRecord[];
  firstError: unknown;
} {
  const encoded: EncodedTrace[] = [];
  const unencoded: TraceRecord[] = [];
  let firstError: unknown;
  for (const trace of traces) {
    try {
      encoded.push(encodeTrace(trace));
    } catch (err) {
      unencoded.push(trace);
      firstError ??= err;
    }
  }
  return { encoded, unencoded, firstError };
}

/** Throws the error for traces `encodeEach` set aside (if any), after the others were written. */
export function rejectUnencoded(
  path: string,
  total: number,
  unencoded: readonly TraceRecord[],
  firstError: unknown,
): void {
  if (unencoded.length === 0) return;
  const reason = firstError instanceof Error ? firstError.message : String(firstError);
  throw new StoreWriteError(
    `Could not write ${unencoded.length} of ${total} traces to the local trace store at ` +
      `"${path}" (the others were written): ${reason}`,
    unencoded.map((t) => t.info?.traceId),
    { cause: firstError },
    unencoded,
  );
}

/** True when both lists hold the same keys and values in the same order. */
function sameEntries(a: [string, string][], b: [string, string][]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i][0] !== b[i][0] || a[i][1] !== b[i][1]) return false;
  return true;
}

export class TraceWriter {
  /** Experiment ids known to exist, so each batch does not look them up again. */
  private readonly knownExperiments = new Set<string>();
  /** Ids of shared metadata sets by digest and by entries as seen (sets never change once written). */
  private readonly knownSets = new Map<string, number>();
  /** The shared entries of the trace written last and their set: most traces carry the same. */
  private lastSet: { entries: [string, string][]; id: number } | undefined;
  private readonly writeBatch: Database.Transaction<(traces: readonly EncodedTrace[]) => void>;

  constructor(
    private readonly db: Database.Database,
    private readonly s: Statements,
    private readonly path: string,
    private readonly defaultExperimentId: string,
  ) {
    this.writeBatch = db.transaction((traces: readonly EncodedTrace[]) => {
      for (const trace of traces) this.writeTrace(trace);
    });
  }

  /**
   * Writes the batch in one transaction, retrying on SQLITE_BUSY. If it fails for another
   * reason, writes the traces one by one so one bad trace does not hold back the others, and
   * reports the failures in a {@link StoreWriteError}.
   */
  write(traces: readonly EncodedTrace[]): void {
    if (traces.length === 0) return;
    try {
      withBusyRetry(this.db, () => this.writeBatch.immediate(traces));
    } catch (err) {
      this.forgetUncommitted();
      if (traces.length === 1 || isBusyError(err)) throw err;
      this.writeOneByOne(traces);
    }
  }

  private writeTrace(trace: EncodedTrace): void {
    const s = this.s;
    const info = trace.info;
    const name = trace.name;
    const traceId = info.traceId;
    const experimentId = info.experimentId || this.defaultExperimentId;
    if (!this.knownExperiments.has(experimentId)) {
      ensureExperimentId(s, experimentId);
      this.knownExperiments.add(experimentId);
    }
    const metadata = info.traceMetadata ?? {};
    let own: string[] | undefined;
    let shared: [string, string][] | undefined;
    for (const key of Object.keys(metadata)) {
      if (isSharedMetadataKey(key)) (shared ??= []).push([key, String(metadata[key])]);
      // Token usage and cost go to the trace's row (`traceParams`).
      else if (metadataColumn(key) === undefined) (own ??= []).push(key);
    }
    let setId: number | null = null;
    if (shared) {
      const last = this.lastSet;
      if (last && sameEntries(shared, last.entries)) setId = last.id;
      else {
        // The entries as they come (no sorting): the usual key of an already known set.
        const seenAs = JSON.stringify(shared);
        setId = this.knownSets.get(seenAs) ?? this.metadataSet(shared, seenAs);
        this.lastSet = { entries: shared, id: setId };
      }
    }
    const params = traceParams(info, experimentId, name, setId);
    // A trace id written again replaces all its rows (the delete cascades to them).
    if (s.insertTrace.run(...params).changes === 0) {
      s.deleteTrace.run(traceId);
      s.insertTrace.run(...params);
    }
    // The name tag is the `name` column (reads add it back to the tags), not a row of its own.
    const tags = info.tags ?? {};
    for (const key of Object.keys(tags)) {
      if (key !== TRACE_NAME_TAG) s.insertTag.run(traceId, key, String(tags[key]));
    }
    if (own) for (const key of own) s.insertMetadata.run(traceId, key, String(metadata[key]));
    for (const row of trace.spanRows) s.insertSpan.run(...row);
    const assessments = info.assessments ?? [];
    for (const a of assessments) s.upsertAssessment.run(...assessmentParams(a, traceId));
    for (const a of assessments) {
      if (a.overrides && a.overrides !== a.assessmentId) {
        s.invalidateAssessment.run(traceId, a.overrides);
      }
    }
  }

  /**
   * The id of the shared metadata set with these entries, written on first use; remembered
   * under `seenAs` (the entries in the order they came) too.
   */
  private metadataSet(entries: [string, string][], seenAs: string): number {
    const digest = sharedSetDigest(entries);
    const known = this.knownSets.get(digest);
    if (known !== undefined) {
      this.knownSets.set(seenAs, known);
      return known;
    }
    const s = this.s;
    const inserted = s.insertMetadataSet.run(digest);
    let id: number;
    if (inserted.changes > 0) {
      id = Number(inserted.lastInsertRowid);
      for (const [key, value] of entries) s.insertSharedMetadata.run(id, key, value);
    } else id = s.metadataSetByDigest.get(digest) as number;
    this.knownSets.set(digest, id);
    this.knownSets.set(seenAs, id);
    return id;
  }

  /** After a rolled-back transaction: rows it created may not exist. */
  private forgetUncommitted(): void {
    this.knownExperiments.clear();
    this.knownSets.clear();
    this.lastSet = undefined;
  }

  private writeOneByOne(traces: readonly EncodedTrace[]): void {
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
