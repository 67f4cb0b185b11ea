/**
 * Grouped statistics over the traces matching a filter: count, distinct users and sessions,
 * errors, latency (mean, p50, p95 by linear interpolation, as numpy and pandas), tokens and
 * cost. On the local store in SQL for the first call, then from an in-memory column cache kept
 * in step with the file (`facts-cache.ts`; stores too large to cache stay in SQL); on the memory
 * destination from its records.
 */
import type Database from 'better-sqlite3';
import type { ParsedFilter } from '../query/ast.js';
import { prepareCached } from '../query/compile-sql.js';
import { matchingRecords } from '../query/search.js';
import { whereOf } from '../query/search-local.js';
import { checkExperimentIds, filterOf } from '../query/search-options.js';
import { LocalStore } from '../store/index.js';
import { SESSION_KEY, TRACE_NAME_TAG, USER_KEY } from '../store/rows.js';
import { metadataJoinSql } from '../store/shared-metadata.js';
import type { TraceStore } from '../types.js';
import { aggregate, compareGroups, Dict, factsOfRecords, type GroupColumn, percentile } from './facts.js';
import { groupColumn, selectPositions, syncFacts } from './facts-cache.js';
import { type GroupKey, groupValue, parseGroupBy } from './group-keys.js';
import type { TraceStats, TraceStatsOptions } from './stats-types.js';

export { percentile } from './facts.js';
export type { TraceStats, TraceStatsOptions } from './stats-types.js';

/** Statistics over `store`; see the top-level `getTraceStats`. */
export async function traceStatsIn(
  store: TraceStore,
  options: TraceStatsOptions = {},
): Promise<TraceStats[]> {
  const keys = parseGroupBy(options.groupBy, options.interval);
  const filter = filterOf(options.filterString, 'getTraceStats');
  const ids = checkExperimentIds(options.experimentIds, 'getTraceStats');
  if (store instanceof LocalStore) {
    const experimentIds = ids ?? [store.resolveExperiment()];
    const read = store.database.transaction(() => {
      const cache = syncFacts(store);
      if (!cache) return statsInSql(store, keys, experimentIds, filter);
      const positions = selectPositions(store, cache, experimentIds, filter);
      return aggregate(
        cache.cols,
        positions,
        keys.map((k) => groupColumn(store, cache, k)),
      );
    });
    return read.deferred();
  }
  const records = await matchingRecords(store, { experimentIds: ids, filterString: options.filterString });
  const groups: GroupColumn[] = keys.map((k) => {
    const dict = new Dict();
    return { label: k.label, dict, ids: records.map((r) => dict.id(groupValue(r, k))) };
  });
  return aggregate(factsOfRecords(records), null, groups);
}

/**
 * The same statistics computed in SQL (used above the cache limit).
 * @internal Exported for tests.
 */
export function traceStatsInSql(store: LocalStore, options: TraceStatsOptions = {}): TraceStats[] {
  const keys = parseGroupBy(options.groupBy, options.interval);
  const filter = filterOf(options.filterString, 'getTraceStats');
  const ids = checkExperimentIds(options.experimentIds, 'getTraceStats') ?? [store.resolveExperiment()];
  return store.database.transaction(() => statsInSql(store, keys, ids, filter)).deferred();
}

const hasPercentile = new WeakMap<Database.Database, boolean>();

/**
 * Makes SQL statistics on `db` compute percentiles in JavaScript, as on a SQLite built without
 * its percentile functions.
 * @internal For tests.
 */
export function disableSqlPercentiles(db: Database.Database): void {
  hasPercentile.set(db, false);
}

function percentileSupported(db: Database.Database): boolean {
  let ok = hasPercentile.get(db);
  if (ok === undefined) {
    try {
      db.prepare('SELECT percentile_cont(1, 0.5)').get();
      ok = true;
    } catch {
      ok = false;
    }
    hasPercentile.set(db, ok);
  }
  return ok;
}

interface SqlParts {
  exprs: string[];
  joins: string[];
  joinParams: string[];
  where: { clauses: string[]; params: unknown[] };
}

function statsInSql(
  store: LocalStore,
  keys: readonly GroupKey[],
  experimentIds: readonly string[],
  filter: ParsedFilter,
): TraceStats[] {
  const db = store.database;
  const joins: string[] = [];
  const joinParams: string[] = [];
  const exprs = keys.map((key, i) => {
    if (key.kind === 'time')
      return `strftime('${key.interval === 'day' ? '%Y-%m-%d' : '%Y-%m-%dT%H:00Z'}', t.request_time / 1000, 'unixepoch')`;
    const { field } = key;
    if (field.entity === 'trace') return field.key === 'status' ? 't.state' : 't.name';
    if (field.entity === 'tag' && field.key === TRACE_NAME_TAG) return 't.name';
    if (field.entity === 'metadata' && field.key === USER_KEY) return 't.user_id';
    if (field.entity === 'metadata' && field.key === SESSION_KEY) return 't.session_id';
    joins.push(
      field.entity === 'tag'
        ? `LEFT JOIN trace_tags g${i} ON g${i}.trace_id = t.trace_id AND g${i}.key = ?`
        : metadataJoinSql(field.key, `g${i}`),
    );
    joinParams.push(field.key);
    return `g${i}.value`;
  });
  const parts: SqlParts = { exprs, joins, joinParams, where: whereOf(store, { experimentIds, filter }) };
  const percentiles = percentileSupported(db);
  const columns = [
    ...exprs.map((e, i) => `${e} AS _g${i}`),
    'COUNT(*) AS count',
    'COUNT(DISTINCT t.user_id) AS users',
    'COUNT(DISTINCT t.session_id) AS sessions',
    "TOTAL(t.state = 'ERROR') AS errors",
    'AVG(t.execution_duration) AS mean',
    'MIN(t.execution_duration) AS min',
    'MAX(t.execution_duration) AS max',
    percentiles ? 'percentile_cont(t.execution_duration, 0.5) AS p50' : 'NULL AS p50',
    percentiles ? 'percentile_cont(t.execution_duration, 0.95) AS p95' : 'NULL AS p95',
    'TOTAL(t.input_tokens) AS input',
    'TOTAL(t.output_tokens) AS output',
    'TOTAL(t.total_tokens) AS total',
    'TOTAL(t.total_cost) AS cost',
    'MIN(t.request_time) AS first',
    'MAX(t.request_time) AS last',
  ];
  const sql = `SELECT ${columns.join(', ')} ${fromWhere(parts)} ${exprs.length ? `GROUP BY ${exprs.map((_, i) => `_g${i}`).join(', ')}` : ''}`;
  const rows = prepareCached(db, sql).all(...joinParams, ...parts.where.params) as Array<
    Record<string, number | string | null>
  >;
  const stats = rows
    .filter((r) => (r.count as number) > 0)
    .map((r): TraceStats => {
      const count = r.count as number;
      const errors = r.errors as number;
      return {
        group: Object.fromEntries(keys.map((k, i) => [k.label, (r[`_g${i}`] as string | null) ?? null])),
        count,
        users: r.users as number,
        sessions: r.sessions as number,
        errors,
        errorRate: errors / count,
        latencyMs: {
          mean: r.mean as number,
          p50: r.p50 as number,
          p95: r.p95 as number,
          min: r.min as number,
          max: r.max as number,
        },
        tokens: { input: r.input as number, output: r.output as number, total: r.total as number },
        costUsd: r.cost as number,
        firstRequestTime: r.first as number,
        lastRequestTime: r.last as number,
      };
    });
  if (!percentiles) fillPercentiles(db, stats, parts);
  const labels = keys.map((k) => k.label);
  return stats.sort((a, b) => compareGroups(a, b, labels));
}

function fromWhere({ joins, where }: SqlParts): string {
  return `FROM traces t INDEXED BY traces_stats ${joins.join(' ')} ${where.clauses.length ? `WHERE ${where.clauses.join(' AND ')}` : ''}`;
}

/** Without SQLite's percentile functions: per-group durations, sorted in SQL, interpolated here. */
function fillPercentiles(db: Database.Database, stats: TraceStats[], parts: SqlParts): void {
  const key = (values: readonly unknown[]) => JSON.stringify(values);
  const byGroup = new Map(stats.map((s) => [key(Object.values(s.group)), [] as number[]]));
  const sql = `SELECT ${[...parts.exprs, 't.execution_duration'].join(', ')} ${fromWhere(parts)} ORDER BY t.execution_duration`;
  for (const row of db
    .prepare(sql)
    .raw()
    .iterate(...parts.joinParams, ...parts.where.params) as Iterable<unknown[]>) {
    byGroup.get(key(row.slice(0, -1).map((v) => v ?? null)))?.push(row[row.length - 1] as number);
  }
  for (const s of stats) {
    const sorted = byGroup.get(key(Object.values(s.group))) ?? [];
    s.latencyMs.p50 = percentile(sorted, 0.5);
    s.latencyMs.p95 = percentile(sorted, 0.95);
  }
}
