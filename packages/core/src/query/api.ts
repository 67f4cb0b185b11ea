/**
 * `searchTraces` as a top-level function over the configured store.
 */
import { type SearchTracesResult, TracingClient } from '../client.js';
import type { SearchTracesOptions } from './search-options.js';

/**
 * One page of traces matching a filter (DESIGN §4), newest first unless `orderBy` says
 * otherwise, with their spans and assessments. Waits for pending exports first. Pass the
 * returned `nextPageToken` as `pageToken` to read the next page; `maxResults` is 1–500
 * (default 100).
 *
 * @throws AutologError `INVALID_FILTER` naming the bad token and its position, `INVALID_ARGUMENT`
 *   for other bad options, `NOT_SUPPORTED` when no configured destination can search.
 * @example
 * // A user's three most recent traces (seed 000).
 * const { traces } = await searchTraces({
 *   filterString: "metadata.`mlflow.trace.user` = 'scott@example.com'",
 *   orderBy: ['timestamp_ms DESC'],
 *   maxResults: 3,
 * });
 */
export async function searchTraces(options: SearchTracesOptions = {}): Promise<SearchTracesResult> {
  return new TracingClient().searchTraces(options);
}
