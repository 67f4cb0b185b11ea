/**
 * `searchTraces` over traces held in memory (the memory destination): the same filter,
 * order and keyset page tokens as the local store, evaluated in JavaScript.
 */
import { traceName } from '../store/rows.js';
import type { TraceRecord } from '../types.js';
import type { OrderTerm } from './ast.js';
import { matchesFilter } from './evaluate.js';
import { decodePageToken, encodePageToken, type KeyValue } from './page-token.js';
import type { SearchPage } from './search-local.js';
import { type NormalizedSearch, normalizeSearch, type SearchTracesOptions } from './search-options.js';

/** Write order of records, the tie-breaker (the memory analogue of the store's rowid). */
const sequence = new WeakMap<TraceRecord, number>();
let nextSequence = 0;

function sequenceOf(record: TraceRecord): number {
  let n = sequence.get(record);
  if (n === undefined) {
    n = nextSequence++;
    sequence.set(record, n);
  }
  return n;
}

/** Compares strings as SQLite's BINARY collation does (UTF-8 bytes). */
function compareText(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function compareKeys(a: readonly KeyValue[], b: readonly KeyValue[], ascending: readonly boolean[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    const d =
      typeof x === 'number' && typeof y === 'number' ? x - y : compareText(String(x ?? ''), String(y ?? ''));
    if (d !== 0) return ascending[i] ? d : -d;
  }
  return 0;
}

function sortKeys(record: TraceRecord, order: readonly OrderTerm[]): KeyValue[] {
  const { info } = record;
  const keys: KeyValue[] = order.map((o) => {
    switch (o.field) {
      case 'timestamp_ms':
        return info.requestTime;
      case 'execution_time_ms':
        return info.executionDuration;
      case 'status':
        return info.state;
      default:
        return traceName(info, record.data?.spans ?? []) ?? '';
    }
  });
  keys.push(sequenceOf(record));
  return keys;
}

/** Every record matching the search, sorted (no paging). */
export function filterAndSort(
  records: readonly TraceRecord[],
  search: Pick<NormalizedSearch, 'experimentIds' | 'filter' | 'order'>,
): Array<{ record: TraceRecord; keys: KeyValue[] }> {
  for (const r of records) sequenceOf(r);
  const ids = search.experimentIds;
  const ascending = [
    ...search.order.map((o) => o.ascending),
    search.order[search.order.length - 1].ascending,
  ];
  return records
    .filter((r) => (!ids || ids.includes(r.info.experimentId)) && matchesFilter(r, search.filter))
    .map((record) => ({ record, keys: sortKeys(record, search.order) }))
    .sort((a, b) => compareKeys(a.keys, b.keys, ascending));
}

/**
 * One page of `records` (the memory destination's traces) matching the search.
 *
 * @example
 * const page = searchRecords(memory.traces, { filterString: "span.type = 'LLM'" });
 */
export function searchRecords(
  records: readonly TraceRecord[],
  options: SearchTracesOptions = {},
): SearchPage {
  const search = normalizeSearch(options);
  const ascending = [
    ...search.order.map((o) => o.ascending),
    search.order[search.order.length - 1].ascending,
  ];
  let matches = filterAndSort(records, search);
  if (search.pageToken) {
    const after = decodePageToken(search.pageToken, search.fingerprint, search.order.length + 1);
    matches = matches.filter((m) => compareKeys(m.keys, after, ascending) > 0);
  }
  const page = matches.slice(0, search.maxResults);
  const traces = page.map(({ record }) =>
    search.includeSpans ? record : { info: record.info, data: { spans: [] } },
  );
  const last = page[page.length - 1];
  return matches.length > search.maxResults && last
    ? { traces, nextPageToken: encodePageToken(search.fingerprint, last.keys) }
    : { traces };
}
