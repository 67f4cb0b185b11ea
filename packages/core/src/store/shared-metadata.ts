/**
 * Where a metadata key is stored is decided by the key alone, so reads merge the places and
 * searches look in exactly one:
 * - metadata shared by every trace of a process — where the traces come from (`mlflow.source.*`:
 *   entry point, git commit, branch, remote) and the trace schema version — is stored once per
 *   distinct set of values (`metadata_sets` + `shared_metadata`) and referenced from each trace
 *   (`traces.metadata_set`);
 * - a trace's token usage and cost (`mlflow.trace.tokenUsage`, `mlflow.trace.cost`), which most
 *   model-call traces carry and whose values differ from trace to trace, are columns of the
 *   trace's row (`traces.token_usage`, `traces.cost`), their text as written;
 * - every other key is a row of `trace_metadata`.
 */
const SHARED_PREFIX = 'mlflow.source.';
const SCHEMA_VERSION_KEY = 'mlflow.trace_schema.version';

/** True for metadata keys stored in the shared sets rather than per trace. */
export function isSharedMetadataKey(key: string): boolean {
  return key === SCHEMA_VERSION_KEY || key.startsWith(SHARED_PREFIX);
}

/** Trace metadata keys stored in columns of `traces` instead of rows. */
export const TOKEN_USAGE_METADATA_KEY = 'mlflow.trace.tokenUsage';
export const COST_METADATA_KEY = 'mlflow.trace.cost';

/** The `traces` column that holds metadata `key`, for the keys stored in the trace's row. */
const METADATA_COLUMNS: Readonly<Record<string, string>> = {
  [TOKEN_USAGE_METADATA_KEY]: 'token_usage',
  [COST_METADATA_KEY]: 'cost',
};

/** The `traces` column holding metadata `key`, or undefined when the key is stored elsewhere. */
export function metadataColumn(key: string): string | undefined {
  return Object.hasOwn(METADATA_COLUMNS, key) ? METADATA_COLUMNS[key] : undefined;
}

/** The same test in SQL over a `key` column. */
export const SHARED_KEY_SQL = `(key GLOB '${SHARED_PREFIX}*' OR key = '${SCHEMA_VERSION_KEY}')`;

/**
 * The canonical text of a set (its entries as a JSON object, keys in code-unit order), under
 * which it is stored once. Matches SQLite's `json_group_object` over rows ordered by key.
 */
export function sharedSetDigest(entries: [string, string][]): string {
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Record<string, string> = {};
  for (const [k, v] of entries) out[k] = v;
  return JSON.stringify(out);
}

/**
 * SQL selecting `(trace_id, value)` of metadata `key` (first parameter) for every trace that
 * has it, from whichever table holds that key; with `inIds`, only for the trace ids in the
 * JSON array given as second parameter.
 */
export function metadataValuesSql(key: string, inIds = false): string {
  const ids = inIds ? ' AND t.trace_id IN (SELECT value FROM json_each(?))' : '';
  const column = metadataColumn(key);
  // The key parameter is compared with the key the column holds (it is always that key).
  if (column)
    return `SELECT t.trace_id, t.${column} FROM traces t WHERE ? = '${key}' AND t.${column} IS NOT NULL${ids}`;
  return isSharedMetadataKey(key)
    ? `SELECT t.trace_id, g.value FROM shared_metadata g JOIN traces t ON t.metadata_set = g.set_id WHERE g.key = ?${ids}`
    : `SELECT t.trace_id, t.value FROM trace_metadata t WHERE t.key = ?${ids}`;
}

/** `LEFT JOIN` of metadata `key` (one parameter) as `alias`, for queries over `traces t`. */
export function metadataJoinSql(key: string, alias: string): string {
  const column = metadataColumn(key);
  if (column)
    return `LEFT JOIN (SELECT trace_id, ${column} AS value FROM traces) ${alias} ON ${alias}.trace_id = t.trace_id AND ? = '${key}'`;
  return isSharedMetadataKey(key)
    ? `LEFT JOIN shared_metadata ${alias} ON ${alias}.set_id = t.metadata_set AND ${alias}.key = ?`
    : `LEFT JOIN trace_metadata ${alias} ON ${alias}.trace_id = t.trace_id AND ${alias}.key = ?`;
}
