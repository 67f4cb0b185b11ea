/**
 * Compiles a parsed filter to SQLite over the local store's tables (`traces` as `t`). Every
 * value and key is a bound parameter; the SQL text holds only fixed fragments chosen from the
 * AST, so nothing a user writes can change the statement.
 *
 * Semantics (the in-memory evaluator implements the same):
 * - tags/metadata: the trace has the key and its value compares true;
 * - span conditions: some span satisfies all of them (one EXISTS over the same span);
 * - feedback/expectation: some valid (not overridden) assessment of that name compares true;
 *   strings compare with the value's text (a JSON string's content, else its JSON: `true`,
 *   `0.9`, `{"a":1}`), numbers only with numeric values; JSON null counts as no value;
 * - `trace.text`: some span's JSON (name, inputs, outputs, attributes, events) matches;
 * - a missing value (no client request id, no name) never compares true, also for != and NOT IN.
 */
import type Database from 'better-sqlite3';
import { TRACE_NAME_TAG } from '../store/rows.js';
import { isSharedMetadataKey, metadataColumn } from '../store/shared-metadata.js';
import type { FilterCondition } from './ast.js';
import { likeInJson, likeMatches, likeToGlob } from './like.js';

export type SqlParam = string | number | null;

export interface CompiledWhere {
  /** Boolean SQL expressions over `t`, to be joined with AND. */
  clauses: string[];
  params: SqlParam[];
}

/** Column of each trace attribute. */
const TRACE_COLUMNS = {
  timestamp_ms: 't.request_time',
  execution_time_ms: 't.execution_duration',
  status: 't.state',
  name: 't.name',
  client_request_id: 't.client_request_id',
  trace_id: 't.trace_id',
} as const;

/**
 * Span columns inside the correlated `EXISTS` (one trace's spans): the unary `+` keeps SQLite
 * from answering it through an index over spans of one kind in the whole store (`spans_errors`);
 * the primary key (trace_id, span_id) finds the trace's few.
 */
const SPAN_COLUMNS = { name: '+s.name', type: '+s.span_type', status: '+s.status' } as const;

/** The text an assessment value compares as (NULL for no value or JSON null). */
const VALUE_TEXT =
  "CASE json_type(a.value) WHEN 'text' THEN json_extract(a.value, '$') WHEN 'null' THEN NULL ELSE a.value END";
const VALUE_NUMBER =
  "CASE WHEN json_type(a.value) IN ('integer', 'real') THEN json_extract(a.value, '$') END";

const ILIKE_FUNCTION = 'autolog_ilike';
const registered = new WeakSet<Database.Database>();

/** Registers the ILIKE function on a connection (once). */
export function registerFunctions(db: Database.Database): void {
  if (registered.has(db)) return;
  db.function(ILIKE_FUNCTION, { deterministic: true }, (pattern: unknown, value: unknown) =>
    typeof value === 'string' && typeof pattern === 'string'
      ? likeMatches(value, pattern, true)
        ? 1
        : 0
      : null,
  );
  registered.add(db);
}

const statementCache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** A prepared statement for `sql`, reused across calls on the same connection (at most 200 kept). */
export function prepareCached(db: Database.Database, sql: string): Database.Statement {
  let cache = statementCache.get(db);
  if (!cache) {
    cache = new Map();
    statementCache.set(db, cache);
  }
  let stmt = cache.get(sql);
  if (!stmt) {
    if (cache.size >= 200) cache.clear();
    stmt = db.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
}

/** The condition of the partial index `traces_not_ok`, spelled as in the schema. */
const NOT_OK = "t.state <> 'OK'";

/** True when a status condition can only hold for traces that are not OK. */
function onlyNotOk(c: FilterCondition): boolean {
  if (c.field.key !== 'status') return false;
  if (c.op === '=') return c.value !== 'OK';
  if (c.op === 'IN') return (c.value as readonly string[]).every((v) => v !== 'OK');
  return false;
}

/** `column <op> value` for one condition; pushes its parameters. */
function compare(column: string, c: FilterCondition, params: SqlParam[], json = false): string {
  const { op, value } = c;
  switch (op) {
    case 'LIKE':
      params.push(likeToGlob(json ? likeInJson(value as string) : (value as string)));
      return `${column} GLOB ?`;
    case 'ILIKE':
      params.push(json ? likeInJson(value as string) : (value as string));
      return `${ILIKE_FUNCTION}(?, ${column})`;
    case 'IN':
    case 'NOT IN': {
      const list = value as readonly string[];
      params.push(...list);
      return `${column} ${op} (${list.map(() => '?').join(', ')})`;
    }
    default:
      params.push(value as SqlParam);
      return `${column} ${op} ?`;
  }
}

function assessmentClause(c: FilterCondition, params: SqlParam[]): string {
  params.push(c.field.key, c.field.entity);
  const head =
    'SELECT 1 FROM assessments a WHERE a.trace_id = t.trace_id AND a.name = ? AND a.kind = ? AND a.valid = 1';
  if (c.op === 'IS NULL') return `NOT EXISTS (${head} AND (${VALUE_TEXT}) IS NOT NULL)`;
  if (c.op === 'IS NOT NULL') return `EXISTS (${head} AND (${VALUE_TEXT}) IS NOT NULL)`;
  const column = typeof c.value === 'number' ? `(${VALUE_NUMBER})` : `(${VALUE_TEXT})`;
  return `EXISTS (${head} AND ${compare(column, c, params)})`;
}

function keyValueClause(
  table: 'trace_tags' | 'trace_metadata',
  c: FilterCondition,
  params: SqlParam[],
): string {
  const column = table === 'trace_metadata' ? metadataColumn(c.field.key) : undefined;
  // A trace without the key has NULL there, which never compares true.
  if (column) return compare(`t.${column}`, c, params);
  params.push(c.field.key);
  if (table === 'trace_metadata' && isSharedMetadataKey(c.field.key)) {
    // Few sets, each shared by many traces: the matching sets are found once.
    return `t.metadata_set IN (SELECT g.set_id FROM shared_metadata g WHERE g.key = ? AND ${compare('g.value', c, params)})`;
  }
  return `EXISTS (SELECT 1 FROM ${table} g WHERE g.trace_id = t.trace_id AND g.key = ? AND ${compare('g.value', c, params)})`;
}

/**
 * A condition that can drive the query from an index instead of scanning traces by time:
 * equality on a tag or metadata key. The caller decides with a cheap count whether to use it.
 */
export function isDriverCandidate(c: FilterCondition): boolean {
  if (c.op !== '=') return false;
  if (c.field.entity === 'tag') return c.field.key !== TRACE_NAME_TAG;
  return (
    c.field.entity === 'metadata' &&
    !isSharedMetadataKey(c.field.key) &&
    metadataColumn(c.field.key) === undefined
  );
}

/** `t.trace_id IN (…)` for a driver condition. */
export function driverClause(c: FilterCondition, params: SqlParam[]): string {
  const table = c.field.entity === 'tag' ? 'trace_tags' : 'trace_metadata';
  params.push(c.field.key, c.value as string);
  return `t.trace_id IN (SELECT d.trace_id FROM ${table} d WHERE d.key = ? AND d.value = ?)`;
}

/** The SQL count query deciding whether a driver condition is selective (`LIMIT` bound). */
export function driverCountSql(c: FilterCondition): string {
  const table = c.field.entity === 'tag' ? 'trace_tags' : 'trace_metadata';
  return `SELECT COUNT(*) FROM (SELECT 1 FROM ${table} WHERE key = ? AND value = ? LIMIT ?)`;
}

/**
 * WHERE clauses for the conditions (`driver`, if given, becomes an index-driven IN). With
 * `noIndexOnTrace`, plain trace-column conditions are written so SQLite does not pick a trace
 * index for them (the driver's index is better).
 */
export function compileConditions(
  conditions: readonly FilterCondition[],
  options: { driver?: FilterCondition; noIndexOnTrace?: boolean } = {},
): CompiledWhere {
  const clauses: string[] = [];
  const params: SqlParam[] = [];
  const spanConditions: FilterCondition[] = [];
  for (const c of conditions) {
    if (c === options.driver) {
      clauses.push(driverClause(c, params));
      continue;
    }
    switch (c.field.entity) {
      case 'trace':
        if (c.field.key === 'text') {
          clauses.push(
            `EXISTS (SELECT 1 FROM spans x WHERE x.trace_id = t.trace_id AND ${compare('x.content', c, params, true)})`,
          );
        } else {
          const column = TRACE_COLUMNS[c.field.key];
          clauses.push(compare(options.noIndexOnTrace ? `+${column}` : column, c, params));
          // Lets SQLite use the index of traces that are not OK (`traces_not_ok`), a partial index.
          if (!options.noIndexOnTrace && onlyNotOk(c)) clauses.push(NOT_OK);
        }
        break;
      case 'tag':
        // The name tag is the trace's `name` column.
        if (c.field.key === TRACE_NAME_TAG) clauses.push(compare('t.name', c, params));
        else clauses.push(keyValueClause('trace_tags', c, params));
        break;
      case 'metadata':
        clauses.push(keyValueClause('trace_metadata', c, params));
        break;
      case 'span':
        spanConditions.push(c);
        break;
      default:
        clauses.push(assessmentClause(c, params));
    }
  }
  if (spanConditions.length) {
    const parts = spanConditions.map((c) =>
      compare(SPAN_COLUMNS[c.field.key as keyof typeof SPAN_COLUMNS], c, params),
    );
    clauses.push(`EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = t.trace_id AND ${parts.join(' AND ')})`);
  }
  return { clauses, params };
}

/** `t.experiment_id IN (…)` (or nothing for every experiment). */
export function experimentClause(ids: readonly string[] | undefined, noIndex = false): CompiledWhere {
  if (!ids) return { clauses: [], params: [] };
  return {
    clauses: [`${noIndex ? '+' : ''}t.experiment_id IN (${ids.map(() => '?').join(', ')})`],
    params: [...ids],
  };
}
