/**
 * `groupBy` keys of the statistics call: filter identifiers for tags, metadata, trace status
 * and trace name, plus a time bucket.
 */
import { AutologError } from '../errors.js';
import { type FilterField, formatField } from '../query/ast.js';
import { resolveField } from '../query/fields.js';
import { tokenize } from '../query/tokenizer.js';
import { traceName } from '../store/rows.js';
import type { TraceRecord } from '../types.js';

export type GroupKey =
  | { readonly label: string; readonly kind: 'field'; readonly field: FilterField }
  | { readonly label: 'time'; readonly kind: 'time'; readonly interval: 'hour' | 'day' };

const invalid = (message: string) => new AutologError('INVALID_ARGUMENT', `getTraceStats: ${message}`);

/** Parses `groupBy` identifiers such as ``metadata.`app_version` `` or `trace.status`. */
export function parseGroupBy(groupBy: unknown, interval: unknown): GroupKey[] {
  const list = groupBy === undefined ? [] : typeof groupBy === 'string' ? [groupBy] : groupBy;
  if (!Array.isArray(list) || !list.every((g) => typeof g === 'string')) {
    throw invalid(`groupBy must be a field name or an array of them, got ${JSON.stringify(groupBy)}.`);
  }
  const keys: GroupKey[] = list.map((text: string) => {
    const tokens = tokenize(text);
    if (tokens.length !== 2 || tokens[0].kind !== 'ident') {
      throw invalid(
        `groupBy ${JSON.stringify(text)} is not a field; use metadata.<key>, tags.<key>, trace.status or trace.name.`,
      );
    }
    const field = resolveField(tokens[0], text);
    const ok =
      field.entity === 'tag' ||
      field.entity === 'metadata' ||
      (field.entity === 'trace' && (field.key === 'status' || field.key === 'name'));
    if (!ok)
      throw invalid(
        `cannot group by ${formatField(field)}; use metadata.<key>, tags.<key>, trace.status or trace.name.`,
      );
    return { label: formatField(field), kind: 'field', field };
  });
  if (interval !== undefined) {
    if (interval !== 'hour' && interval !== 'day')
      throw invalid(`interval must be 'hour' or 'day', got ${JSON.stringify(interval)}.`);
    keys.push({ label: 'time', kind: 'time', interval });
  }
  return keys;
}

/** The UTC bucket of an epoch-ms time: `2025-12-12` (day) or `2025-12-12T10:00Z` (hour). */
export function timeBucket(ms: number, interval: 'hour' | 'day'): string {
  const iso = new Date(ms).toISOString();
  return interval === 'day' ? iso.slice(0, 10) : `${iso.slice(0, 13)}:00Z`;
}

/** A trace's value for a group key, as the SQL computes it. */
export function groupValue(record: TraceRecord, key: GroupKey): string | null {
  const { info } = record;
  if (key.kind === 'time') return timeBucket(info.requestTime, key.interval);
  const { field } = key;
  if (field.entity === 'tag') return info.tags?.[field.key] ?? null;
  if (field.entity === 'metadata') return info.traceMetadata?.[field.key] ?? null;
  if (field.key === 'status') return info.state;
  return traceName(info, record.data?.spans ?? []);
}
