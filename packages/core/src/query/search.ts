/**
 * Search over whichever store is configured: the local store (SQL), the memory destination
 * (in JavaScript), or any destination that implements `searchTraces` itself (a server
 * destination forwards the filter string; `formatFilter(parseFilter(s))` is its canonical form).
 */
import { MemoryDestination } from '../destinations/memory.js';
import { AutologError } from '../errors.js';
import { LocalStore } from '../store/index.js';
import type { TraceRecord, TraceStore } from '../types.js';
import { type SearchPage, searchLocalStore } from './search-local.js';
import { filterAndSort, searchRecords } from './search-memory.js';
import { DEFAULT_ORDER, normalizeSearch, type SearchTracesOptions } from './search-options.js';

/** A destination that searches by itself (for example a server destination). */
export interface SearchableStore extends TraceStore {
  searchTraces(options: SearchTracesOptions): SearchPage | Promise<SearchPage>;
}

function isSearchable(store: TraceStore): store is SearchableStore {
  return typeof (store as Partial<SearchableStore>).searchTraces === 'function';
}

/**
 * One page of traces matching `options` from `store`.
 *
 * @throws AutologError `INVALID_FILTER`, `INVALID_ARGUMENT`, or `NOT_SUPPORTED` for a store that cannot search.
 * @example
 * const page = await searchStore(new LocalStore({ path: 'traces.db' }), { filterString: "trace.status = 'ERROR'" });
 */
export async function searchStore(store: TraceStore, options: SearchTracesOptions = {}): Promise<SearchPage> {
  if (store instanceof LocalStore) return searchLocalStore(store, options);
  if (store instanceof MemoryDestination) return searchRecords(store.traces, options);
  if (isSearchable(store)) return store.searchTraces(options);
  throw new AutologError(
    'NOT_SUPPORTED',
    `the destination "${store.name}" cannot search traces; search the local store or the memory destination.`,
  );
}

/**
 * Every trace matching the experiments and filter, newest first (memory: without paging).
 * @internal For the analysis calls.
 */
export async function matchingRecords(
  store: TraceStore,
  options: Pick<SearchTracesOptions, 'experimentIds' | 'filterString' | 'orderBy'>,
): Promise<TraceRecord[]> {
  if (store instanceof MemoryDestination) {
    const search = normalizeSearch({ ...options, maxResults: 1 });
    return filterAndSort(store.traces, { ...search, order: search.order ?? DEFAULT_ORDER }).map(
      (m) => m.record,
    );
  }
  return searchAll(store, options, Number.POSITIVE_INFINITY);
}

/**
 * Every trace matching `options` (all pages), at most `limit`.
 * @internal For the analysis calls.
 */
export async function searchAll(
  store: TraceStore,
  options: Omit<SearchTracesOptions, 'maxResults' | 'pageToken'>,
  limit = 100_000,
): Promise<TraceRecord[]> {
  const out: TraceRecord[] = [];
  let pageToken: string | undefined;
  do {
    const page = await searchStore(store, { ...options, maxResults: 500, pageToken });
    out.push(...page.traces);
    pageToken = page.nextPageToken;
  } while (pageToken && out.length < limit);
  return out.slice(0, limit);
}
