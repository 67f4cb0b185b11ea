/**
 * The local store's trace facts as columns in memory, kept in step with the file so grouped
 * statistics over 100k traces take milliseconds instead of 100k index lookups. Built on the
 * second statistics call for a store (the first one runs in SQL).
 *
 * Nothing is added to the write path. Before each use, `PRAGMA data_version` (commits by other
 * connections) and `total_changes()` (writes by this one) tell whether anything changed. If so,
 * traces with a rowid above the last one seen are appended, provided the row count and the last
 * known row show that nothing was deleted or replaced; otherwise the columns are rebuilt.
 * Metadata is immutable per trace, so metadata group columns are extended; tag and name
 * columns (which `setTraceTag` can change) are dropped and reloaded on demand.
 */

import type { ParsedFilter } from '../query/ast.js';
import { prepareCached } from '../query/compile-sql.js';
import { whereOf } from '../query/search-local.js';
import type { LocalStore } from '../store/index.js';
import { SESSION_KEY, TRACE_NAME_TAG, USER_KEY } from '../store/rows.js';
import { metadataValuesSql } from '../store/shared-metadata.js';
import { Dict, FactColumns, type GroupColumn } from './facts.js';
import type { GroupKey } from './group-keys.js';

/** Stores with more traces than this are aggregated in SQL instead (memory stays bounded). */
export const FACTS_CACHE_LIMIT = 1_000_000;
let cacheLimit = FACTS_CACHE_LIMIT;

/**
 * Changes the cache limit (the default again when omitted).
 * @internal For tests.
 */
export function setFactsCacheLimit(limit = FACTS_CACHE_LIMIT): void {
  cacheLimit = limit;
}

type Row = [
  number,
  string,
  string,
  number,
  number,
  string,
  string | null,
  string | null,
  number | null,
  number | null,
  number | null,
  number | null,
];

interface LastRow {
  rowid: number;
  key: string;
}

export interface Cache {
  cols: FactColumns;
  rowids: number[];
  /** Built on first use, then kept up to date. */
  posByRowid?: Map<number, number>;
  posByTraceId?: Map<string, number>;
  last: LastRow | null;
  version: string;
  /** Metadata group columns by metadata key, extended on append. */
  metadata: Map<string, GroupColumn>;
  /** Tag and name columns, dropped on any change. */
  mutable: Map<string, GroupColumn>;
}

const caches = new WeakMap<LocalStore, Cache>();

const FACT_COLUMNS =
  'rowid, trace_id, experiment_id, request_time, execution_duration, state, user_id, session_id, input_tokens, output_tokens, total_tokens, total_cost';

function versionOf(store: LocalStore): string {
  const db = store.database;
  return `${db.pragma('data_version', { simple: true })}:${prepareCached(db, 'SELECT total_changes()').pluck().get()}`;
}

/**
 * Everything the cache holds about the row `rowid` (facts and metadata). A rewritten trace
 * (same id written again) reuses the row id when it was the newest, so this is compared, not
 * just the id. (A rewrite of several newest traces is only checked on the newest of them.)
 */
function lastRowKey(store: LocalStore, rowid: number): string | undefined {
  const sql = `SELECT ${FACT_COLUMNS},
    (SELECT group_concat(key || char(31) || value, char(30)) FROM trace_metadata m WHERE m.trace_id = traces.trace_id),
    metadata_set, token_usage, cost FROM traces WHERE rowid = ?`;
  const row = prepareCached(store.database, sql).raw().get(rowid) as unknown[] | undefined;
  return row ? JSON.stringify(row) : undefined;
}

function addRows(cache: Cache, rows: Iterable<Row>): void {
  const { cols } = cache;
  for (const r of rows) {
    const pos = cols.size;
    cols.push({
      traceId: r[1],
      experimentId: r[2],
      requestTime: r[3],
      duration: r[4],
      state: r[5],
      user: r[6],
      session: r[7],
      inputTokens: r[8],
      outputTokens: r[9],
      totalTokens: r[10],
      cost: r[11],
    });
    cache.rowids.push(r[0]);
    cache.posByRowid?.set(r[0], pos);
    cache.posByTraceId?.set(r[1], pos);
  }
}

function positionsByRowid(cache: Cache): Map<number, number> {
  cache.posByRowid ??= new Map(cache.rowids.map((rowid, pos) => [rowid, pos]));
  return cache.posByRowid;
}

function positionsByTraceId(cache: Cache): Map<string, number> {
  cache.posByTraceId ??= new Map(cache.cols.traceId.map((id, pos) => [id, pos]));
  return cache.posByTraceId;
}

function rebuild(store: LocalStore, version: string): Cache {
  const cache: Cache = {
    cols: new FactColumns(),
    rowids: [],
    last: null,
    version,
    metadata: new Map(),
    mutable: new Map(),
  };
  addRows(
    cache,
    prepareCached(store.database, `SELECT ${FACT_COLUMNS} FROM traces INDEXED BY traces_stats`)
      .raw()
      .iterate() as Iterable<Row>,
  );
  setLast(store, cache);
  return cache;
}

function setLast(store: LocalStore, cache: Cache): void {
  let max = -1;
  for (const r of cache.rowids) if (r > max) max = r;
  cache.last = max < 0 ? null : { rowid: max, key: lastRowKey(store, max) ?? '' };
}

/** Appends new traces when only inserts happened since the last sync; false when a rebuild is needed. */
function tryAppend(store: LocalStore, cache: Cache): boolean {
  const db = store.database;
  const { n, m } = prepareCached(db, 'SELECT COUNT(*) AS n, MAX(rowid) AS m FROM traces').get() as {
    n: number;
    m: number | null;
  };
  const lastRowid = cache.last?.rowid ?? 0;
  if (cache.last && lastRowKey(store, cache.last.rowid) !== cache.last.key) return false;
  const rows = prepareCached(db, `SELECT ${FACT_COLUMNS} FROM traces WHERE rowid > ? ORDER BY rowid`)
    .raw()
    .all(lastRowid) as Row[];
  if (cache.cols.size + rows.length !== n || (m ?? 0) < lastRowid) return false;
  const from = cache.cols.size;
  addRows(cache, rows);
  if (rows.length)
    cache.last = { rowid: rows[rows.length - 1][0], key: lastRowKey(store, rows[rows.length - 1][0]) ?? '' };
  for (const [key, column] of cache.metadata) extendMetadata(store, cache, key, column, from);
  cache.mutable.clear();
  return true;
}

/**
 * Whether `store` has its columns built.
 * @internal For tests.
 */
export function hasFacts(store: LocalStore): boolean {
  return caches.has(store);
}

/** Stores that answered one statistics call in SQL; the next call builds their columns. */
const askedOnce = new WeakSet<LocalStore>();

/**
 * The synchronised columns of `store`, or null when statistics should run in SQL: on the first
 * call for a store (a one-off call, as from a command line, is faster in SQL than building the
 * columns) and for stores too large to cache. Run inside a read transaction.
 */
export function syncFacts(store: LocalStore): Cache | null {
  let cache = caches.get(store);
  if (!cache && !askedOnce.has(store)) {
    askedOnce.add(store);
    return null;
  }
  const version = versionOf(store);
  if (cache && cache.version === version) return cache;
  if (!cache || !tryAppend(store, cache)) {
    const count = prepareCached(store.database, 'SELECT COUNT(*) FROM traces').pluck().get() as number;
    if (count > cacheLimit) {
      caches.delete(store);
      return null;
    }
    cache = rebuild(store, version);
  }
  cache.version = version;
  caches.set(store, cache);
  return cache;
}

function fillColumn(cache: Cache, column: GroupColumn, rows: Iterable<[string, string]>): void {
  const byTraceId = positionsByTraceId(cache);
  for (const [traceId, value] of rows) {
    const pos = byTraceId.get(traceId);
    if (pos !== undefined) column.ids[pos] = column.dict.id(value);
  }
}

function extendMetadata(
  store: LocalStore,
  cache: Cache,
  key: string,
  column: GroupColumn,
  from: number,
): void {
  for (let p = column.ids.length; p < cache.cols.size; p++) column.ids.push(-1);
  const ids = JSON.stringify(cache.cols.traceId.slice(from));
  const sql = metadataValuesSql(key, true);
  fillColumn(
    cache,
    column,
    prepareCached(store.database, sql).raw().iterate(key, ids) as Iterable<[string, string]>,
  );
}

/** The column of a group key, loaded on first use. */
export function groupColumn(store: LocalStore, cache: Cache, key: GroupKey): GroupColumn {
  const { cols } = cache;
  if (key.kind === 'time') {
    const size = key.interval === 'day' ? 86_400_000 : 3_600_000;
    const dict = new Dict();
    const labels = new Map<number, number>();
    const ids = cols.requestTime.map((t) => {
      const bucket = Math.floor(t / size);
      let id = labels.get(bucket);
      if (id === undefined) {
        const iso = new Date(bucket * size).toISOString();
        id = dict.id(key.interval === 'day' ? iso.slice(0, 10) : `${iso.slice(0, 13)}:00Z`);
        labels.set(bucket, id);
      }
      return id;
    });
    return { label: key.label, ids, dict };
  }
  const { field } = key;
  if (field.entity === 'metadata' && field.key === USER_KEY)
    return { label: key.label, ids: cols.user, dict: cols.users };
  if (field.entity === 'metadata' && field.key === SESSION_KEY)
    return { label: key.label, ids: cols.session, dict: cols.sessions };
  if (field.entity === 'trace' && field.key === 'status')
    return { label: key.label, ids: cols.state, dict: cols.states };
  const columns = field.entity === 'metadata' ? cache.metadata : cache.mutable;
  // Metadata columns are keyed by the metadata key (extended on append), others by entity and key.
  const cacheKey = field.entity === 'metadata' ? field.key : `${field.entity}:${field.key}`;
  const cached = columns.get(cacheKey);
  if (cached) return { ...cached, label: key.label };
  const column: GroupColumn = {
    label: key.label,
    ids: new Array<number>(cols.size).fill(-1),
    dict: new Dict(),
  };
  const db = store.database;
  // The trace's name, also as its `mlflow.traceName` tag (stored in the same column).
  if (field.entity === 'trace' || (field.entity === 'tag' && field.key === TRACE_NAME_TAG)) {
    const byRowid = positionsByRowid(cache);
    for (const [rowid, name] of prepareCached(
      db,
      'SELECT rowid, name FROM traces INDEXED BY traces_name WHERE name IS NOT NULL',
    )
      .raw()
      .iterate() as Iterable<[number, string]>) {
      const pos = byRowid.get(rowid);
      if (pos !== undefined) column.ids[pos] = column.dict.id(name);
    }
  } else {
    const sql =
      field.entity === 'tag'
        ? 'SELECT trace_id, value FROM trace_tags WHERE key = ?'
        : metadataValuesSql(field.key);
    fillColumn(cache, column, prepareCached(db, sql).raw().iterate(field.key) as Iterable<[string, string]>);
  }
  columns.set(cacheKey, column);
  return column;
}

/**
 * Positions of the traces matching the experiments and filter: in JavaScript for conditions
 * on time, duration and status, through SQL (`SELECT rowid … WHERE …`) otherwise.
 */
export function selectPositions(
  store: LocalStore,
  cache: Cache,
  experimentIds: readonly string[],
  filter: ParsedFilter,
): number[] | null {
  const { cols } = cache;
  const simple = filter.conditions.every(
    (c) =>
      c.field.entity === 'trace' &&
      (c.field.key === 'timestamp_ms' || c.field.key === 'execution_time_ms' || c.field.key === 'status'),
  );
  if (!simple) {
    const where = whereOf(store, { experimentIds, filter });
    const sql = `SELECT t.rowid FROM traces t WHERE ${where.clauses.join(' AND ')}`;
    const out: number[] = [];
    const byRowid = positionsByRowid(cache);
    for (const rowid of prepareCached(store.database, sql)
      .pluck()
      .iterate(...where.params) as Iterable<number>) {
      const pos = byRowid.get(rowid);
      if (pos !== undefined) out.push(pos);
    }
    return out;
  }
  const wanted = new Uint8Array(cols.experiments.values.length);
  for (const id of experimentIds) {
    const e = cols.experiments.find(id);
    if (e !== undefined) wanted[e] = 1;
  }
  if (filter.conditions.length === 0 && wanted.every((w) => w === 1)) return null;
  const tests = filter.conditions.map((c) => {
    if (c.field.key === 'status') {
      const values = new Set(
        (Array.isArray(c.value) ? c.value : [c.value]).map((v) => cols.states.find(v as string) ?? -2),
      );
      const positive = c.op === '=' || c.op === 'IN';
      return (p: number) => values.has(cols.state[p]) === positive;
    }
    const column = c.field.key === 'timestamp_ms' ? cols.requestTime : cols.duration;
    const v = c.value as number;
    switch (c.op) {
      case '=':
        return (p: number) => column[p] === v;
      case '!=':
        return (p: number) => column[p] !== v;
      case '>':
        return (p: number) => column[p] > v;
      case '>=':
        return (p: number) => column[p] >= v;
      case '<':
        return (p: number) => column[p] < v;
      default:
        return (p: number) => column[p] <= v;
    }
  });
  const out: number[] = [];
  for (let p = 0; p < cols.size; p++) {
    if (wanted[cols.experiment[p]] === 1 && tests.every((t) => t(p))) out.push(p);
  }
  return out;
}
