import type { TokenUsage, TraceInfo, TraceState } from '../../types.js';
import { assessmentFromJson, assessmentToJson } from './assessment-json.js';

type Json = Record<string, any>;

/** `1.25s`, with microsecond precision (protobuf `Duration` JSON). */
export function formatDuration(ms: number): string {
  return `${(ms / 1000).toFixed(6).replace(/\.?0+$/, '')}s`;
}

/** Milliseconds from `"1.25s"` (or a number of ms). */
export function parseDuration(value: unknown): number {
  if (typeof value === 'number') return value;
  const match = typeof value === 'string' ? /^(-?\d+(?:\.\d+)?)s$/.exec(value.trim()) : null;
  return match ? Math.round(Number(match[1]) * 1e6) / 1e3 : 0;
}

function parseTime(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const asNumber = Number(value);
    if (Number.isFinite(asNumber)) return asNumber;
    const parsed = Date.parse(value);
    if (Number.isFinite(parsed)) return parsed;
  }
  return 0;
}

/**
 * MLflow 3's `TraceInfoV3` JSON (snake_case, RFC 3339 `request_time`, `"1.25s"` duration) of a
 * trace, located in `experimentId`.
 *
 * @example
 * traceInfoToJson(record.info, '7'); // { trace_id: 'tr-…', trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '7' } }, … }
 */
export function traceInfoToJson(info: TraceInfo, experimentId: string): Json {
  return {
    trace_id: info.traceId,
    ...(info.clientRequestId !== undefined ? { client_request_id: info.clientRequestId } : {}),
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
    ...(info.requestPreview !== undefined ? { request_preview: info.requestPreview } : {}),
    ...(info.responsePreview !== undefined ? { response_preview: info.responsePreview } : {}),
    request_time: new Date(info.requestTime).toISOString(),
    execution_duration: formatDuration(info.executionDuration),
    state: info.state,
    trace_metadata: { ...info.traceMetadata },
    tags: { ...info.tags },
    assessments: (info.assessments ?? []).map(assessmentToJson),
  };
}

/** A `TraceInfo` from MLflow's `TraceInfoV3` JSON (also accepts the V2 field names). */
export function traceInfoFromJson(json: Json): TraceInfo {
  const metadata: Record<string, string> = { ...(json.trace_metadata ?? {}) };
  for (const kv of Array.isArray(json.request_metadata) ? json.request_metadata : [])
    metadata[kv.key] = kv.value;
  const tags: Record<string, string> = Array.isArray(json.tags)
    ? Object.fromEntries(json.tags.map((t: Json) => [t.key, t.value]))
    : { ...(json.tags ?? {}) };
  const state = String(json.state ?? json.status ?? 'OK') as TraceState;
  const info: TraceInfo = {
    traceId: String(json.trace_id ?? json.request_id),
    experimentId: String(json.trace_location?.mlflow_experiment?.experiment_id ?? json.experiment_id ?? ''),
    requestTime: parseTime(json.request_time ?? json.timestamp_ms),
    executionDuration:
      json.execution_duration !== undefined
        ? parseDuration(json.execution_duration)
        : Number(json.execution_time_ms ?? 0),
    state: state === ('STATE_UNSPECIFIED' as TraceState) ? 'IN_PROGRESS' : state,
    traceMetadata: metadata,
    tags,
    assessments: (Array.isArray(json.assessments) ? json.assessments : []).map(assessmentFromJson),
  };
  if (json.client_request_id !== undefined) info.clientRequestId = String(json.client_request_id);
  if (json.request_preview !== undefined) info.requestPreview = String(json.request_preview);
  if (json.response_preview !== undefined) info.responsePreview = String(json.response_preview);
  const usage = metadata['mlflow.trace.tokenUsage'];
  if (usage) {
    try {
      info.tokenUsage = JSON.parse(usage) as TokenUsage;
    } catch {
      // not JSON: left out
    }
  }
  return info;
}
