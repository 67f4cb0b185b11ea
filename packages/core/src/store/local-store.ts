/**
 * The embedded local store: one SQLite file (WAL) holding experiments, traces, spans, tags,
 * metadata and assessments. It is the SDK's default destination and the backing store of the
 * local reading and annotation APIs.
 */
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { Assessment, TraceInfo, TraceRecord, TraceStore } from '../types.js';
import { type ExperimentInfo, findExperiment, getOrInsertExperimentByName } from './experiments.js';
import {
  assessmentFromRow,
  assessmentParams,
  type EncodedTrace,
  groupKeyValues,
  type SqlValue,
  TRACE_NAME_TAG,
  type TraceRow,
  traceInfoFromRow,
} from './rows.js';
import { DEFAULT_EXPERIMENT_ID } from './schema.js';
import { COST_METADATA_KEY, TOKEN_USAGE_METADATA_KEY } from './shared-metadata.js';
import { DEFAULT_BUSY_TIMEOUT_MS, openDatabase, withBusyRetry } from './sqlite-util.js';
import { prepareStatements, type Statements } from './statements.js';
import { encodeEach, rejectUnencoded, TraceWriter } from './trace-writer.js';

export interface LocalStoreOptions {
  /** The SQLite file; parent directories are created. `:memory:` gives a private in-memory store. */
  path: string;
  /** Experiment to use; must exist in the file. Wins over `experimentName`. */
  experimentId?: string;
  /** Experiment to use, created on first use. */
  experimentName?: string;
  /** How long a write waits for another process's lock (default 5000 ms). */
  busyTimeoutMs?: number;
}

export interface ListTracesOptions {
  /** Only this experiment; all experiments when omitted. */
  experimentId?: string;
  /** Default 100. */
  limit?: number;
  offset?: number;
}

export interface DeleteTracesOptions {
  /** Only traces of this experiment. */
  experimentId?: string;
  /** Delete these traces. */
  traceIds?: readonly string[];
  /** Delete traces whose request time is at or before this epoch-ms timestamp. */
  maxTimestampMs?: number;
  /** Delete at most this many traces, oldest first. */
  maxTraces?: number;
}

export class LocalStore implements TraceStore {
  readonly name = 'sqlite';
  /** Absolute path of the SQLite file (or `:memory:`). */
  readonly path: string;
  private readonly db: Database.Database;
  private readonly s: Statements;
  private readonly experimentId: string;
  private readonly writer: TraceWriter;
  private closed = false;
  /** Shared metadata sets by id (a set never changes once written). */
  private readonly sharedSets = new Map<number, Record<string, string>>();

  /**
   * Opens (creating and migrating if needed) the store file. Fails here, not on first use,
   * when the path is not writable, the file comes from a newer version, or `experimentId`
   * does not exist.
   */
  constructor(options: LocalStoreOptions) {
    if (!options?.path) throw new Error('LocalStore needs a `path` to its SQLite file.');
    this.path = options.path === ':memory:' ? options.path : resolve(options.path);
    this.db = openDatabase(this.path, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
    try {
      this.s = prepareStatements(this.db);
      this.experimentId = this.resolveFromOptions(options);
      this.writer = new TraceWriter(this.db, this.s, this.path, this.experimentId);
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  /** The experiment id this store writes to when a trace names none (default `'0'`). */
  resolveExperiment(): string {
    return this.experimentId;
  }

  /** Id of the experiment named `name`, created (with the next numeric id) if missing. */
  getOrCreateExperiment(name: string): string {
    this.assertOpen();
    const existing = this.s.experimentByName.get(name);
    if (existing) return existing.experiment_id;
    const create = this.db.transaction(() => getOrInsertExperimentByName(this.s, name));
    return withBusyRetry(this.db, () => create.immediate());
  }

  /** An experiment by id, or else by name; `null` when neither matches. */
  getExperiment(idOrName: string): ExperimentInfo | null {
    this.assertOpen();
    return findExperiment(this.s, idOrName);
  }

  /**
   * Writes a batch in one transaction. A trace id written again replaces all its rows
   * (idempotent). Traces go to `trace.info.experimentId`, whose row is created as
   * `experiment-<id>` when unknown. If the batch fails for a reason other than a lock, the
   * traces are retried one by one so one bad trace does not hold back the others; the failures
   * are then reported in a `StoreWriteError`.
   */
  export(traces: readonly TraceRecord[]): void {
    this.assertOpen();
    const { encoded, unencoded, firstError } = encodeEach(traces);
    this.exportEncoded(encoded);
    rejectUnencoded(this.path, traces.length, unencoded, firstError);
  }

  /**
   * `export` for traces already encoded (the writer thread receives them so; the destination
   * hands them to that thread).
   * @internal
   */
  exportEncoded(traces: readonly EncodedTrace[]): void {
    this.assertOpen();
    this.writer.write(traces);
  }

  /** Reads a trace back whole (info with tags, metadata, assessments; spans by start time). */
  getTrace(traceId: string): TraceRecord | null {
    this.assertOpen();
    const read = this.db.transaction((id: string): TraceRecord | null => {
      const row = this.s.traceRow.get(id);
      if (!row) return null;
      const info = this.infoOf(row);
      const spans = this.s.spanContentsOf.all(id).map((json) => JSON.parse(json));
      return { info, data: { spans } };
    });
    return withBusyRetry(this.db, () => read.deferred(traceId));
  }

  /** Trace infos for the given ids, in the given order; unknown ids are skipped. */
  getTraceInfos(traceIds: readonly string[]): TraceInfo[] {
    this.assertOpen();
    if (traceIds.length === 0) return [];
    const read = this.db.transaction(() => {
      const rows = this.s.traceRowsIn.all(JSON.stringify(traceIds));
      const byId = new Map(this.infosFromRows(rows).map((info) => [info.traceId, info]));
      return traceIds.flatMap((id) => byId.get(id) ?? []);
    });
    return withBusyRetry(this.db, () => read.deferred());
  }

  /** Trace infos, newest first (by request time, then by write order). */
  listTraces(options: ListTracesOptions = {}): TraceInfo[] {
    this.assertOpen();
    const limit = nonNegativeInt(options.limit ?? 100, 'limit');
    const offset = nonNegativeInt(options.offset ?? 0, 'offset');
    const read = this.db.transaction(() => {
      const rows =
        options.experimentId === undefined
          ? this.s.listAll.all(limit, offset)
          : this.s.listByExperiment.all(options.experimentId, limit, offset);
      return this.infosFromRows(rows);
    });
    return withBusyRetry(this.db, () => read.deferred());
  }

  /**
   * Builds trace infos from `traces` rows (three queries whatever the count). For the query
   * module, which selects rows from the same tables.
   * @internal
   */
  infosFromRows(rows: readonly TraceRow[]): TraceInfo[] {
    if (rows.length === 0) return [];
    if (rows.length === 1) return [this.infoOf(rows[0])];
    const ids = JSON.stringify(rows.map((row) => row.trace_id));
    const tags = groupKeyValues(this.s.tagsIn.all(ids));
    const metadata = groupKeyValues(this.s.metadataIn.all(ids));
    const assessments = new Map<string, Assessment[]>();
    for (const arow of this.s.assessmentsIn.all(ids)) {
      const list = assessments.get(arow.trace_id);
      if (list) list.push(assessmentFromRow(arow));
      else assessments.set(arow.trace_id, [assessmentFromRow(arow)]);
    }
    return rows.map((row) =>
      traceInfoFromRow(
        row,
        tags.get(row.trace_id) ?? {},
        this.fullMetadata(row, metadata.get(row.trace_id)),
        assessments.get(row.trace_id) ?? [],
      ),
    );
  }

  /**
   * Inserts or replaces an assessment. When it `overrides` another, that one becomes invalid.
   * @throws Error when the trace does not exist.
   */
  upsertAssessment(assessment: Assessment): void {
    this.writeTx(() => {
      this.requireTrace(assessment.traceId);
      this.s.upsertAssessment.run(...assessmentParams(assessment));
      if (assessment.overrides && assessment.overrides !== assessment.assessmentId) {
        this.s.invalidateAssessment.run(assessment.traceId, assessment.overrides);
      }
    });
  }

  /** An assessment of a trace, or `null`. */
  getAssessment(traceId: string, assessmentId: string): Assessment | null {
    this.assertOpen();
    const row = this.s.assessment.get(traceId, assessmentId);
    return row ? assessmentFromRow(row) : null;
  }

  /**
   * Deletes an assessment; if it overrode another, that one becomes valid again (as MLflow).
   * @returns whether an assessment was deleted.
   */
  deleteAssessment(traceId: string, assessmentId: string): boolean {
    return this.writeTx(() => {
      const row = this.s.assessment.get(traceId, assessmentId);
      if (!row) return false;
      this.s.deleteAssessment.run(traceId, assessmentId);
      if (row.overrides) this.s.validateAssessment.run(traceId, row.overrides);
      return true;
    });
  }

  /**
   * Sets a tag on a trace (`mlflow.traceName` also renames the trace).
   * @throws Error when the trace does not exist.
   */
  setTraceTag(traceId: string, key: string, value: string): void {
    this.writeTx(() => {
      this.requireTrace(traceId);
      if (key === TRACE_NAME_TAG) this.s.setTraceName.run(String(value), traceId);
      else this.s.upsertTag.run(traceId, key, String(value));
    });
  }

  /** Removes a tag from a trace (`mlflow.traceName`: the trace has no name then). @returns whether the tag existed. */
  deleteTraceTag(traceId: string, key: string): boolean {
    return this.writeTx(() =>
      key === TRACE_NAME_TAG
        ? this.s.clearTraceName.run(traceId).changes > 0
        : this.s.deleteTag.run(traceId, key).changes > 0,
    );
  }

  /**
   * Deletes traces with their spans, tags, metadata and assessments: those in `traceIds`
   * and/or requested at or before `maxTimestampMs` (all given conditions must hold), oldest
   * first, at most `maxTraces`.
   * @returns the number of traces deleted.
   */
  deleteTraces(options: DeleteTracesOptions): number {
    const { traceIds, maxTimestampMs, maxTraces, experimentId } = options;
    if (traceIds === undefined && maxTimestampMs === undefined) {
      throw new Error('deleteTraces needs `traceIds` or `maxTimestampMs`.');
    }
    if (traceIds?.length === 0) return 0;
    const limit = maxTraces === undefined ? -1 : nonNegativeInt(maxTraces, 'maxTraces');
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (experimentId !== undefined) {
      where.push('experiment_id = ?');
      params.push(experimentId);
    }
    if (traceIds !== undefined) {
      where.push('trace_id IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(traceIds));
    }
    if (maxTimestampMs !== undefined) {
      where.push('request_time <= ?');
      params.push(maxTimestampMs);
    }
    const sql = `DELETE FROM traces WHERE trace_id IN (SELECT trace_id FROM traces
      WHERE ${where.join(' AND ')} ORDER BY request_time, rowid LIMIT ?)`;
    return this.writeTx(() => this.db.prepare(sql).run(...params, limit).changes);
  }

  /** Nothing is buffered: every `export` is committed when it returns. */
  forceFlush(): void {}

  /** Closes the database (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  /** Same as {@link close}. */
  shutdown(): void {
    this.close();
  }

  /**
   * The open connection, for the query module that searches the same tables.
   * @internal
   */
  get database(): Database.Database {
    this.assertOpen();
    return this.db;
  }

  private resolveFromOptions(options: LocalStoreOptions): string {
    if (options.experimentId !== undefined) {
      const row = this.s.experimentById.get(options.experimentId);
      if (!row) {
        throw new Error(
          `Experiment id "${options.experimentId}" does not exist in the local trace store at ` +
            `"${this.path}". Use experimentName to create an experiment by name, or omit the ` +
            `experiment id to use the default experiment '${DEFAULT_EXPERIMENT_ID}'.`,
        );
      }
      return row.experiment_id;
    }
    if (options.experimentName !== undefined) return this.getOrCreateExperiment(options.experimentName);
    return DEFAULT_EXPERIMENT_ID;
  }

  private infoOf(row: TraceRow): TraceInfo {
    const id = row.trace_id;
    return traceInfoFromRow(
      row,
      groupKeyValues(this.s.tagsOf.all(id)).get(id) ?? {},
      this.fullMetadata(row, groupKeyValues(this.s.metadataOf.all(id)).get(id)),
      this.s.assessmentsOf.all(id).map(assessmentFromRow),
    );
  }

  /** A trace's own metadata with its shared set's entries and the entries kept in its row added. */
  private fullMetadata(row: TraceRow, own: Record<string, string> | undefined): Record<string, string> {
    const setId = row.metadata_set;
    let metadata: Record<string, string>;
    if (setId === null || setId === undefined) metadata = own ?? {};
    else {
      let shared = this.sharedSets.get(setId);
      if (!shared) {
        shared = {};
        for (const { key, value } of this.s.sharedMetadataOf.all(setId)) shared[key] = value;
        this.sharedSets.set(setId, shared);
      }
      metadata = { ...shared, ...own };
    }
    if (row.token_usage != null) metadata[TOKEN_USAGE_METADATA_KEY] = row.token_usage;
    if (row.cost != null) metadata[COST_METADATA_KEY] = row.cost;
    return metadata;
  }

  private writeTx<T>(fn: () => T): T {
    this.assertOpen();
    const tx = this.db.transaction(fn);
    return withBusyRetry(this.db, () => tx.immediate());
  }

  private requireTrace(traceId: string): void {
    if (!this.s.traceExists.get(traceId)) {
      throw new Error(`Trace "${traceId}" not found in the local trace store at "${this.path}".`);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`The local trace store at "${this.path}" is closed.`);
  }
}

function nonNegativeInt(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${what} must be a non-negative integer, got ${value}.`);
  }
  return value;
}
