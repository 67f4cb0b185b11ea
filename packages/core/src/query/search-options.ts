/**
 * `searchTraces` options: validation and defaults shared by every store.
 */
import { AutologError } from '../errors.js';
import type { OrderTerm, ParsedFilter } from './ast.js';
import { formatFilter, formatOrderTerm } from './ast.js';
import { fingerprint } from './page-token.js';
import { parseFilter, parseOrderBy } from './parser.js';

export interface SearchTracesOptions {
  /** Experiments to search. Default: the store's experiment (the local store), every trace (memory). */
  experimentIds?: readonly string[];
  /** A filter in MLflow's language (DESIGN §4), e.g. `metadata.\`mlflow.trace.user\` = 'u1'`. */
  filterString?: string;
  /** e.g. `['timestamp_ms DESC']` (the default) or `['execution_time_ms DESC', 'name']`. */
  orderBy?: readonly string[] | string;
  /** Page size, 1–500 (default 100). */
  maxResults?: number;
  /** `nextPageToken` of the previous page of the same search. */
  pageToken?: string;
  /** Read the spans too (default true); without them `data.spans` is empty, which is faster. */
  includeSpans?: boolean;
}

/** Largest page `searchTraces` returns (the same as the MLflow tracking server's cap). */
export const MAX_RESULTS_CAP = 500;
export const DEFAULT_MAX_RESULTS = 100;
export const DEFAULT_ORDER: readonly OrderTerm[] = [{ field: 'timestamp_ms', ascending: false }];

export interface NormalizedSearch {
  /** Undefined: every experiment. */
  experimentIds: readonly string[] | undefined;
  filter: ParsedFilter;
  order: readonly OrderTerm[];
  maxResults: number;
  pageToken: string | undefined;
  includeSpans: boolean;
  /** Identifies the search for its page tokens. */
  fingerprint: string;
}

const invalid = (message: string) => new AutologError('INVALID_ARGUMENT', message);

/** Validates `experimentIds` (a non-empty array of strings) or returns undefined when absent. */
export function checkExperimentIds(ids: unknown, fn = 'searchTraces'): string[] | undefined {
  if (ids === undefined) return undefined;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string' && id !== '')) {
    throw invalid(
      `${fn}: experimentIds must be a non-empty array of experiment id strings, got ${JSON.stringify(ids)}; omit it to use the current experiment.`,
    );
  }
  return [...new Set(ids as string[])];
}

/** Parses the filter, or the empty filter when none is given. */
export function filterOf(filterString: unknown, fn = 'searchTraces'): ParsedFilter {
  if (filterString === undefined || filterString === null) return { conditions: [] };
  if (typeof filterString !== 'string')
    throw invalid(`${fn}: filterString must be a string, got ${typeof filterString}.`);
  return parseFilter(filterString);
}

/**
 * Validates and completes search options. `defaultExperiments` applies when none are given.
 * @throws AutologError `INVALID_FILTER` for a bad filter, `INVALID_ARGUMENT` for other options.
 */
export function normalizeSearch(
  options: SearchTracesOptions = {},
  defaultExperiments?: readonly string[],
): NormalizedSearch {
  if (options === null || typeof options !== 'object')
    throw invalid(`searchTraces: options must be an object, got ${String(options)}.`);
  const experimentIds = checkExperimentIds(options.experimentIds) ?? defaultExperiments;
  const filter = filterOf(options.filterString);
  const { orderBy } = options;
  if (orderBy !== undefined && typeof orderBy !== 'string' && !Array.isArray(orderBy)) {
    throw invalid(`searchTraces: orderBy must be a string or an array of strings, got ${typeof orderBy}.`);
  }
  const terms = orderBy === undefined ? [] : typeof orderBy === 'string' ? [orderBy] : orderBy;
  const order = terms.length ? parseOrderBy(terms) : DEFAULT_ORDER;
  const maxResults = options.maxResults ?? DEFAULT_MAX_RESULTS;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS_CAP) {
    throw invalid(
      `searchTraces: maxResults must be an integer from 1 to ${MAX_RESULTS_CAP}, got ${String(maxResults)}; read more with nextPageToken.`,
    );
  }
  if (
    options.pageToken !== undefined &&
    (typeof options.pageToken !== 'string' || options.pageToken === '')
  ) {
    throw invalid(
      `searchTraces: pageToken must be the nextPageToken string of a previous search, got ${JSON.stringify(options.pageToken)}.`,
    );
  }
  const key = JSON.stringify([experimentIds ?? null, formatFilter(filter), order.map(formatOrderTerm)]);
  return {
    experimentIds,
    filter,
    order,
    maxResults,
    pageToken: options.pageToken,
    includeSpans: options.includeSpans ?? true,
    fingerprint: fingerprint(key),
  };
}
