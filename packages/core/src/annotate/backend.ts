/**
 * What annotating needs from a store, and adapters for the local store and the memory
 * destination. Another destination (a server) can implement `AnnotationStore` itself.
 */
import { MemoryDestination } from '../destinations/memory.js';
import { AutologError } from '../errors.js';
import { type DeleteTracesOptions, LocalStore } from '../store/index.js';
import type { Assessment, TraceRecord, TraceStore } from '../types.js';

/** Reading and writing tags, assessments and deletions on one store. */
export interface AnnotationStore {
  hasTrace(traceId: string): boolean | Promise<boolean>;
  hasSpan(traceId: string, spanId: string): boolean | Promise<boolean>;
  getAssessment(traceId: string, assessmentId: string): Assessment | null | Promise<Assessment | null>;
  /** Inserts or replaces; an assessment with `overrides` makes the overridden one invalid. */
  upsertAssessment(assessment: Assessment): void | Promise<void>;
  /** Deletes; the assessment it overrode becomes valid again. Returns whether it existed. */
  deleteAssessment(traceId: string, assessmentId: string): boolean | Promise<boolean>;
  getTraceTags(traceId: string): Record<string, string> | null | Promise<Record<string, string> | null>;
  setTraceTag(traceId: string, key: string, value: string): void | Promise<void>;
  deleteTraceTag(traceId: string, key: string): boolean | Promise<boolean>;
  deleteTraces(options: DeleteTracesOptions): number | Promise<number>;
}

function localAdapter(store: LocalStore): AnnotationStore {
  const db = () => store.database;
  return {
    hasTrace: (traceId) =>
      db().prepare('SELECT 1 FROM traces WHERE trace_id = ?').pluck().get(traceId) !== undefined,
    hasSpan: (traceId, spanId) =>
      db().prepare('SELECT 1 FROM spans WHERE trace_id = ? AND span_id = ?').pluck().get(traceId, spanId) !==
      undefined,
    getAssessment: (traceId, id) => store.getAssessment(traceId, id),
    upsertAssessment: (a) => store.upsertAssessment(a),
    deleteAssessment: (traceId, id) => store.deleteAssessment(traceId, id),
    getTraceTags: (traceId) => store.getTraceInfos([traceId])[0]?.tags ?? null,
    setTraceTag: (traceId, key, value) => store.setTraceTag(traceId, key, value),
    deleteTraceTag: (traceId, key) => store.deleteTraceTag(traceId, key),
    deleteTraces: (options) => store.deleteTraces(options),
  };
}

/** Annotations on the memory destination change its records in place. */
function memoryAdapter(memory: MemoryDestination): AnnotationStore {
  const find = (traceId: string): TraceRecord | undefined =>
    memory.traces.find((t) => t.info.traceId === traceId);
  const assessmentsOf = (traceId: string): Assessment[] => {
    const record = find(traceId);
    if (!record)
      throw new AutologError('TRACE_NOT_FOUND', `Trace "${traceId}" not found in the memory destination.`);
    record.info.assessments ??= [];
    return record.info.assessments;
  };
  return {
    hasTrace: (traceId) => find(traceId) !== undefined,
    hasSpan: (traceId, spanId) => find(traceId)?.data.spans.some((s) => s.spanId === spanId) ?? false,
    getAssessment: (traceId, id) =>
      find(traceId)?.info.assessments?.find((a) => a.assessmentId === id) ?? null,
    upsertAssessment: (a) => {
      const list = assessmentsOf(a.traceId);
      const at = list.findIndex((x) => x.assessmentId === a.assessmentId);
      if (at >= 0) list[at] = { ...a };
      else list.push({ ...a });
      if (a.overrides && a.overrides !== a.assessmentId) {
        const old = list.find((x) => x.assessmentId === a.overrides);
        if (old) old.valid = false;
      }
    },
    deleteAssessment: (traceId, id) => {
      const list = find(traceId)?.info.assessments;
      const at = list?.findIndex((x) => x.assessmentId === id) ?? -1;
      if (!list || at < 0) return false;
      const [removed] = list.splice(at, 1);
      const restored = removed.overrides ? list.find((x) => x.assessmentId === removed.overrides) : undefined;
      if (restored) restored.valid = true;
      return true;
    },
    getTraceTags: (traceId) => find(traceId)?.info.tags ?? null,
    setTraceTag: (traceId, key, value) => {
      const record = find(traceId);
      if (!record)
        throw new AutologError('TRACE_NOT_FOUND', `Trace "${traceId}" not found in the memory destination.`);
      record.info.tags = { ...record.info.tags, [key]: value };
    },
    deleteTraceTag: (traceId, key) => {
      const record = find(traceId);
      if (!record || !(key in (record.info.tags ?? {}))) return false;
      const { [key]: _removed, ...rest } = record.info.tags;
      record.info.tags = rest;
      return true;
    },
    deleteTraces: ({ experimentId, traceIds, maxTimestampMs, maxTraces }) => {
      const ids = traceIds ? new Set(traceIds) : undefined;
      const doomed = memory.traces
        .filter(
          (t) =>
            (experimentId === undefined || t.info.experimentId === experimentId) &&
            (!ids || ids.has(t.info.traceId)),
        )
        .filter((t) => maxTimestampMs === undefined || t.info.requestTime <= maxTimestampMs)
        .sort((a, b) => a.info.requestTime - b.info.requestTime)
        .slice(0, maxTraces ?? Number.POSITIVE_INFINITY);
      const gone = new Set(doomed);
      const kept = memory.traces.filter((t) => !gone.has(t));
      memory.traces.length = 0;
      memory.traces.push(...kept);
      return doomed.length;
    },
  };
}

function isAnnotationStore(store: unknown): store is AnnotationStore {
  const s = store as Partial<AnnotationStore>;
  return [
    'hasTrace',
    'hasSpan',
    'getAssessment',
    'upsertAssessment',
    'deleteAssessment',
    'getTraceTags',
    'setTraceTag',
    'deleteTraceTag',
    'deleteTraces',
  ].every((m) => typeof (s as Record<string, unknown>)[m] === 'function');
}

/**
 * The annotation interface of a configured store.
 * @throws AutologError `NOT_SUPPORTED` for a destination that cannot be annotated.
 */
export function annotationStore(store: TraceStore): AnnotationStore {
  if (store instanceof LocalStore) return localAdapter(store);
  if (store instanceof MemoryDestination) return memoryAdapter(store);
  if (isAnnotationStore(store)) return store;
  throw new AutologError(
    'NOT_SUPPORTED',
    `the destination "${store.name}" cannot store tags or assessments; annotate traces in the local store or the memory destination.`,
  );
}
