/**
 * `searchTraces` over the local store: one parameterised SELECT with keyset pagination, then
 * the infos (tags, metadata, assessments) and spans of the page, all in one read transaction.
 *
 * Plan choice: a selective equality on a tag or metadata key (a user, a session) drives the
 * query from the key/value index; otherwise traces are scanned in order by the time index and
 * the scan stops as soon as the page is full. A bounded COUNT decides (see `chooseDriver`), so
 * the plan does not depend on whether SQLite has statistics.
 */
import type { LocalStore } from '../store/index.js';
import type { TraceRow } from '../store/rows.js';
import type { SpanData, TraceData, TraceRecord } from '../types.js';
import type { FilterCondition, OrderTerm } from './ast.js';
import {
  type CompiledWhere,
  compileConditions,
  driverCountSql,
  experimentClause,
  isDriverCandidate,
  prepareCached,
  registerFunctions,
  type SqlParam,
} from './compile-sql.js';
import { decodePageToken, encodePageToken, type KeyValue } from './page-token.js';
import { type NormalizedSearch, normalizeSearch, type SearchTracesOptions } from './search-options.js';

/** A page of traces. */
export interface SearchPage<T = TraceRecord> {
  traces: T[];
  /** Present when more traces match; pass it as `pageToken` to read the next page. */
  nextPageToken?: string;
}

/** Above this many matches, an equality on a key is not used to drive the query. */
export const DRIVER_LIMIT = 10_000;

const ORDER_EXPRESSIONS = {
  timestamp_ms: 't.request_time',
  execution_time_ms: 't.execution_duration',
  status: 't.state',
  name: "IFNULL(t.name, '')",
} as const;

type KeyedRow = TraceRow & { _rowid: number; _k: KeyValue[] };

/** Matches below which driving from the key index always wins (a few ms of lookups). */
const ALWAYS_DRIVE = 1_000;

/**
 * Chooses the most selective driver condition, if any is selective enough. Reading every
 * match (`pageSize` undefined), up to {@link DRIVER_LIMIT} matches are driven from the index.
 * For one page, a time-ordered scan reads about `pageSize × traces / matches` rows before the
 * page is full, so the index drives only when `matches² ≤ pageSize × traces` (or matches are few).
 * @internal
 */
export function chooseDriver(
  store: LocalStore,
  conditions: readonly FilterCondition[],
  pageSize?: number,
): FilterCondition | undefined {
  let best: { c: FilterCondition; n: number } | undefined;
  for (const c of conditions) {
    if (!isDriverCandidate(c)) continue;
    const n = prepareCached(store.database, driverCountSql(c))
      .pluck()
      .get(c.field.key, c.value, DRIVER_LIMIT + 1) as number;
    if (n <= DRIVER_LIMIT && (!best || n < best.n)) best = { c, n };
  }
  if (!best || pageSize === undefined || best.n <= ALWAYS_DRIVE) return best?.c;
  const traces =
    (prepareCached(store.database, 'SELECT MAX(rowid) FROM traces').pluck().get() as number | null) ?? 0;
  return best.n * best.n <= pageSize * traces ? best.c : undefined;
}

/**
 * The WHERE of a search (experiments and filter), with the plan choice applied.
 * @internal
 */
export function whereOf(
  store: LocalStore,
  search: Pick<NormalizedSearch, 'experimentIds' | 'filter'>,
  pageSize?: number,
): CompiledWhere & { driven: boolean } {
  registerFunctions(store.database);
  const driver = chooseDriver(store, search.filter.conditions, pageSize);
  const experiments = experimentClause(search.experimentIds, driver !== undefined);
  const filter = compileConditions(search.filter.conditions, {
    driver,
    noIndexOnTrace: driver !== undefined,
  });
  return {
    clauses: [...experiments.clauses, ...filter.clauses],
    params: [...experiments.params, ...filter.params],
    driven: driver !== undefined,
  };
}

/** `(k1, k2, …) after (v1, v2, …)` in the order's directions, as SQL. */
function keysetClause(order: readonly OrderTerm[], keys: readonly KeyValue[], params: SqlParam[]): string {
  const exprs = [...order.map((o) => ORDER_EXPRESSIONS[o.field]), 't.rowid'];
  const asc = [...order.map((o) => o.ascending), order[order.length - 1].ascending];
  if (asc.every((a) => a === asc[0])) {
    params.push(keys[0], ...keys);
    const cmp = asc[0] ? '>' : '<';
    // The first bound alone lets SQLite range-scan an index on the first key.
    return `${exprs[0]} ${cmp}= ? AND (${exprs.join(', ')}) ${cmp} (${keys.map(() => '?').join(', ')})`;
  }
  const ors: string[] = [];
  for (let i = 0; i < exprs.length; i++) {
    const parts: string[] = [];
    for (let j = 0; j < i; j++) {
      parts.push(`${exprs[j]} = ?`);
      params.push(keys[j]);
    }
    parts.push(`${exprs[i]} ${asc[i] ? '>' : '<'} ?`);
    params.push(keys[i]);
    ors.push(`(${parts.join(' AND ')})`);
  }
  return `(${ors.join(' OR ')})`;
}

/**
 * One page of traces from the local store.
 *
 * @throws AutologError `INVALID_FILTER` / `INVALID_ARGUMENT` for bad options.
 * @example
 * const { traces, nextPageToken } = searchLocalStore(store, { filterString: "trace.status = 'ERROR'", maxResults: 50 });
 */
export function searchLocalStore(store: LocalStore, options: SearchTracesOptions = {}): SearchPage {
  const search = normalizeSearch(options, [store.resolveExperiment()]);
  const db = store.database;
  const read = db.transaction((): SearchPage => {
    // Only a time-ordered scan can stop early; other orders read every match anyway.
    const timeOrdered = search.order[0].field === 'timestamp_ms';
    const where = whereOf(store, search, timeOrdered ? search.maxResults : undefined);
    const params = [...where.params];
    const clauses = [...where.clauses];
    const keyCount = search.order.length + 1;
    if (search.pageToken)
      clauses.push(
        keysetClause(search.order, decodePageToken(search.pageToken, search.fingerprint, keyCount), params),
      );
    const keyColumns = search.order.map((o, i) => `${ORDER_EXPRESSIONS[o.field]} AS _k${i}`).join(', ');
    const orderSql = [
      ...search.order.map((o) => `${ORDER_EXPRESSIONS[o.field]} ${o.ascending ? 'ASC' : 'DESC'}`),
      `t.rowid ${search.order[search.order.length - 1].ascending ? 'ASC' : 'DESC'}`,
    ];
    const sql = `SELECT t.*, t.rowid AS _rowid, ${keyColumns} FROM traces t
      ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''}
      ORDER BY ${orderSql.join(', ')} LIMIT ?`;
    const rows = prepareCached(db, sql).all(...params, search.maxResults + 1) as Array<
      TraceRow & Record<string, KeyValue>
    >;
    const more = rows.length > search.maxResults;
    const page = rows.slice(0, search.maxResults).map((row) => {
      const keyed = row as unknown as KeyedRow;
      keyed._k = [...search.order.map((_, i) => row[`_k${i}`] as KeyValue), row._rowid as number];
      return keyed;
    });
    const traces = loadTraces(store, page, search.includeSpans);
    const last = page[page.length - 1];
    return more && last
      ? { traces, nextPageToken: encodePageToken(search.fingerprint, last._k) }
      : { traces };
  });
  return read.deferred();
}

/**
 * Rebuilds whole traces for rows of `traces` (infos in three queries, spans in one). Each
 * trace's spans are parsed from their stored JSON when `data.spans` is first read, so a page
 * read only for its infos does not pay for parsing spans.
 */
export function loadTraces(
  store: LocalStore,
  rows: readonly TraceRow[],
  includeSpans: boolean,
): TraceRecord[] {
  const infos = store.infosFromRows(rows);
  const contents = new Map<string, string[]>();
  if (includeSpans && rows.length) {
    const stmt = prepareCached(
      store.database,
      'SELECT trace_id, content FROM spans WHERE trace_id IN (SELECT value FROM json_each(?)) ORDER BY trace_id, start_time_ns, rowid',
    ).raw();
    for (const [traceId, content] of stmt.iterate(JSON.stringify(rows.map((r) => r.trace_id))) as Iterable<
      [string, string]
    >) {
      const list = contents.get(traceId);
      if (list) list.push(content);
      else contents.set(traceId, [content]);
    }
  }
  return infos.map((info) => ({ info, data: lazySpans(contents.get(info.traceId) ?? []) }));
}

/** `{ spans }` whose spans are parsed on first read, then kept as a plain property. */
function lazySpans(contents: readonly string[]): TraceData {
  return {
    get spans(): SpanData[] {
      const spans = contents.map((c) => JSON.parse(c) as SpanData);
      Object.defineProperty(this, 'spans', {
        value: spans,
        writable: true,
        enumerable: true,
        configurable: true,
      });
      return spans;
    },
    set spans(value: SpanData[]) {
      Object.defineProperty(this, 'spans', { value, writable: true, enumerable: true, configurable: true });
    },
  };
}
