/**
 * Trace tags and trace deletion on a given store (the public functions pass the configured one).
 */
import { AutologError } from '../errors.js';
import { LocalStore } from '../store/index.js';
import type { TraceStore } from '../types.js';
import { requireTrace } from './assessments.js';
import { annotationStore } from './backend.js';
import { invalid, requireString } from './validate.js';

export interface DeleteTracesOptions {
  /** Only traces of this experiment. Default: the store's experiment when deleting by time; any experiment when deleting by id. */
  experimentId?: string;
  /** Delete these traces (unknown ids are skipped). */
  traceIds?: readonly string[];
  /** Or delete traces requested at or before this epoch-ms time, oldest first… */
  maxTimestampMillis?: number;
  /** …at most this many. */
  maxTraces?: number;
}

/** Sets (or overwrites) a tag on a trace in `store`; `mlflow.traceName` also renames the trace. */
export async function setTraceTagIn(
  store: TraceStore,
  traceId: string,
  key: string,
  value: string,
): Promise<void> {
  const fn = 'setTraceTag';
  const { backend, traceId: id } = await requireTrace(store, fn, traceId);
  const k = requireString(fn, 'key', key);
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw invalid(fn, `"value" must be a string, got ${value === null ? 'null' : typeof value}.`);
  }
  await backend.setTraceTag(id, k, String(value));
}

/** Removes a tag from a trace in `store`. */
export async function deleteTraceTagIn(store: TraceStore, traceId: string, key: string): Promise<void> {
  const fn = 'deleteTraceTag';
  const { backend, traceId: id } = await requireTrace(store, fn, traceId);
  const k = requireString(fn, 'key', key);
  if (!(await backend.deleteTraceTag(id, k))) {
    throw new AutologError('TAG_NOT_FOUND', `${fn}: trace "${id}" has no tag "${k}".`);
  }
}

function nonNegativeInteger(fn: string, option: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalid(fn, `"${option}" must be a non-negative integer, got ${JSON.stringify(value)}.`);
  }
  return value;
}

/**
 * Deletes traces from `store`: by `traceIds`, or by `maxTimestampMillis` (with `maxTraces`),
 * as MLflow's `delete_traces`. Returns how many were deleted.
 */
export async function deleteTracesIn(store: TraceStore, options: DeleteTracesOptions): Promise<number> {
  const fn = 'deleteTraces';
  if (!options || typeof options !== 'object') throw invalid(fn, 'expects an options object.');
  const { traceIds, experimentId } = options;
  const maxTimestampMs = nonNegativeInteger(fn, 'maxTimestampMillis', options.maxTimestampMillis);
  const maxTraces = nonNegativeInteger(fn, 'maxTraces', options.maxTraces);
  if ((traceIds === undefined) === (maxTimestampMs === undefined)) {
    throw invalid(fn, 'give either "traceIds" or "maxTimestampMillis" (not both).');
  }
  if (
    traceIds !== undefined &&
    (!Array.isArray(traceIds) || !traceIds.every((id) => typeof id === 'string'))
  ) {
    throw invalid(fn, `"traceIds" must be an array of trace id strings, got ${JSON.stringify(traceIds)}.`);
  }
  if (maxTraces !== undefined && traceIds !== undefined)
    throw invalid(fn, '"maxTraces" applies only with "maxTimestampMillis".');
  if (experimentId !== undefined) requireString(fn, 'experimentId', experimentId);
  const backend = annotationStore(store);
  const scope =
    experimentId ??
    (traceIds === undefined && store instanceof LocalStore ? store.resolveExperiment() : undefined);
  return backend.deleteTraces({ experimentId: scope, traceIds, maxTimestampMs, maxTraces });
}
