/**
 * The filter AST: what a filter string means, independent of where it runs. The local store
 * compiles it to SQL, the memory destination evaluates it in JavaScript, and a server
 * destination (MLflow) can forward `formatFilter(ast)` — the same filter in MLflow's canonical
 * spelling — as `filter` of `POST /api/3.0/mlflow/traces/search`.
 */

/** Trace attributes, by their canonical key. */
export type TraceAttribute =
  | 'timestamp_ms'
  | 'execution_time_ms'
  | 'status'
  | 'name'
  | 'client_request_id'
  | 'trace_id'
  | 'text';

/** Span fields (`span.<field>`). */
export type SpanField = 'name' | 'type' | 'status';

/** What a condition looks at. `key` is the attribute, tag/metadata key, span field or assessment name. */
export type FilterField =
  | { readonly entity: 'trace'; readonly key: TraceAttribute }
  | { readonly entity: 'tag'; readonly key: string }
  | { readonly entity: 'metadata'; readonly key: string }
  | { readonly entity: 'span'; readonly key: SpanField }
  | { readonly entity: 'feedback'; readonly key: string }
  | { readonly entity: 'expectation'; readonly key: string };

export type ComparisonOperator = '=' | '!=' | '>' | '>=' | '<' | '<=';
export type FilterOperator =
  | ComparisonOperator
  | 'LIKE'
  | 'ILIKE'
  | 'IN'
  | 'NOT IN'
  | 'IS NULL'
  | 'IS NOT NULL';

/**
 * One condition. `value` is a number or string for comparisons and LIKE/ILIKE, a list of
 * strings for IN / NOT IN, and null for IS [NOT] NULL.
 */
export interface FilterCondition {
  readonly field: FilterField;
  readonly op: FilterOperator;
  readonly value: string | number | readonly string[] | null;
  /** 0-based offset of the condition's field in the filter string. */
  readonly position: number;
}

/** A parsed filter: conditions that must all hold (AND). No conditions matches every trace. */
export interface ParsedFilter {
  readonly conditions: readonly FilterCondition[];
}

/** Sortable fields of `orderBy`. */
export type OrderField = 'timestamp_ms' | 'execution_time_ms' | 'status' | 'name';

export interface OrderTerm {
  readonly field: OrderField;
  readonly ascending: boolean;
}

const BARE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `key` as MLflow reads it after `entity.`: bare when simple, else in backticks. */
function formatKey(key: string): string {
  return BARE_KEY.test(key) ? key : `\`${key.replace(/`/g, '``')}\``;
}

/** A field in canonical MLflow spelling, e.g. ``metadata.`mlflow.trace.user` ``. */
export function formatField(field: FilterField): string {
  switch (field.entity) {
    case 'trace':
      return `trace.${field.key}`;
    case 'tag':
      return `tags.${formatKey(field.key)}`;
    default:
      return `${field.entity}.${formatKey(field.key)}`;
  }
}

/**
 * A string literal in single quotes: a quote inside is doubled (as in SQL), and a backslash is
 * doubled only where it would otherwise escape what follows (before a quote, a backslash, or
 * at the end), so ordinary values such as Windows paths read the same.
 */
export function formatString(value: string): string {
  return `'${value.replace(/\\(?=\\|'|$)/g, '\\\\').replace(/'/g, "''")}'`;
}

function formatValue(value: FilterCondition['value']): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return formatString(value);
  return `(${value.map(formatString).join(', ')})`;
}

/** One condition in canonical spelling, e.g. `trace.status IN ('OK', 'ERROR')`. */
export function formatCondition(c: FilterCondition): string {
  const value = formatValue(c.value);
  return value ? `${formatField(c.field)} ${c.op} ${value}` : `${formatField(c.field)} ${c.op}`;
}

/**
 * The filter in canonical MLflow spelling: conditions joined by ` AND `, fields with their
 * entity prefix, strings in single quotes. Parsing the result gives the same AST.
 *
 * @example
 * formatFilter(parseFilter("status = \"OK\" and metadata.mlflow.trace.user = 'u1'"));
 * // "trace.status = 'OK' AND metadata.`mlflow.trace.user` = 'u1'"
 */
export function formatFilter(filter: ParsedFilter): string {
  return filter.conditions.map(formatCondition).join(' AND ');
}

/** An order term in canonical spelling, e.g. `timestamp_ms DESC`. */
export function formatOrderTerm(term: OrderTerm): string {
  return `${term.field} ${term.ascending ? 'ASC' : 'DESC'}`;
}
