/**
 * Building filter strings from values (a user, a session), quoted safely; used by the server and the UI.
 */

/** A string literal of the filter language (backslash escapes quotes and backslashes). */
export function quoteFilterValue(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** `metadata.`key` = 'value'`. */
export function metadataEquals(key: string, value: string): string {
  return `metadata.\`${key}\` = ${quoteFilterValue(value)}`;
}

/** Joins non-empty filters with AND. */
export function andFilters(...filters: Array<string | undefined | null>): string {
  return filters.filter((f): f is string => !!f && f.trim() !== '').join(' AND ');
}
