/**
 * MLflow's JSON of a trace (`Trace.to_json()` in Python, `trace.toJSON()` / `autolog show
 * --json` here) back to Autolog's `TraceRecord`: snake_case info with an RFC 3339 request time
 * and a `"1.25s"` duration, OpenTelemetry-shaped spans with base64 or hex ids and JSON-encoded
 * attribute values (`mlflow.spanInputs`, `mlflow.spanOutputs`, `mlflow.spanType`).
 */
import type { Assessment, SpanData, SpanStatusCode, TraceInfo, TraceRecord, TraceState } from '@autolog/core';

type Json = Record<string, any>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Hex from an id that is hex already or base64. */
function hexId(value: unknown, bytes: number): string {
  if (typeof value !== 'string' || !value) return '';
  if (new RegExp(`^[0-9a-f]{${bytes * 2}}$`, 'i').test(value)) return value.toLowerCase();
  return Buffer.from(value, 'base64').toString('hex');
}

function decode(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function epochMs(value: unknown): number {
  if (typeof value === 'number') return value;
  const n = Number(value);
  if (typeof value === 'string' && value.trim() && Number.isFinite(n)) return n;
  const parsed = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(parsed)) throw new Error(`request_time ${JSON.stringify(value)} is not a time`);
  return parsed;
}

function durationMs(info: Json): number {
  const value = info.execution_duration ?? info.execution_time_ms;
  if (typeof value === 'number') return value;
  const match = typeof value === 'string' ? /^(-?\d+(?:\.\d+)?)s$/.exec(value.trim()) : null;
  if (match) return Math.round(Number(match[1]) * 1e6) / 1e3;
  if (value === undefined) return 0;
  throw new Error(`execution_duration ${JSON.stringify(value)} is not a duration like "1.25s"`);
}

function statusCode(code: unknown): SpanStatusCode {
  const text = String(code ?? '').toUpperCase();
  if (text === '1' || text.endsWith('OK')) return 'OK';
  if (text === '2' || text.endsWith('ERROR')) return 'ERROR';
  return 'UNSET';
}

function keyValues(value: unknown): Record<string, string> {
  if (Array.isArray(value))
    return Object.fromEntries(value.map((kv: Json) => [String(kv.key), String(kv.value)]));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
  return {};
}

/** An assessment in MLflow's JSON (or already in Autolog's form, as `trace.toJSON()` keeps it). */
function assessmentOf(json: Json, traceId: string): Assessment {
  if (typeof json.assessmentId === 'string') return json as Assessment;
  const ms = (v: unknown) => (typeof v === 'number' ? v : Date.parse(String(v)) || 0);
  const base = {
    assessmentId: String(json.assessment_id),
    traceId,
    name: String(json.assessment_name ?? json.name ?? ''),
    source: {
      sourceType: json.source?.source_type ?? 'CODE',
      sourceId: String(json.source?.source_id ?? 'default'),
    },
    createTime: ms(json.create_time),
    lastUpdateTime: ms(json.last_update_time ?? json.create_time),
    valid: json.valid !== false,
    ...(json.span_id ? { spanId: String(json.span_id) } : {}),
    ...(json.rationale !== undefined ? { rationale: String(json.rationale) } : {}),
    ...(isObject(json.metadata) ? { metadata: keyValues(json.metadata) } : {}),
    ...(json.overrides ? { overrides: String(json.overrides) } : {}),
  };
  if (json.expectation) return { kind: 'expectation', ...base, value: json.expectation.value };
  const feedback: Json = json.feedback ?? {};
  const err = feedback.error;
  return {
    kind: 'feedback',
    ...base,
    ...('value' in feedback ? { value: feedback.value } : {}),
    ...(err
      ? {
          error: {
            errorCode: String(err.error_code ?? 'ERROR'),
            ...(err.error_message !== undefined ? { errorMessage: String(err.error_message) } : {}),
          },
        }
      : {}),
  };
}

function spanOf(json: Json, traceId: string, index: number): SpanData {
  if (!isObject(json)) throw new Error(`span ${index} is not an object`);
  const attributes: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(isObject(json.attributes) ? json.attributes : {}))
    attributes[key] = decode(raw);
  const inputs = attributes['mlflow.spanInputs'];
  const outputs = attributes['mlflow.spanOutputs'];
  delete attributes['mlflow.traceRequestId'];
  delete attributes['mlflow.spanInputs'];
  delete attributes['mlflow.spanOutputs'];
  const spanId = hexId(json.span_id, 8);
  if (!spanId) throw new Error(`span ${index} has no span_id`);
  const start = Number(json.start_time_unix_nano);
  if (!Number.isFinite(start)) throw new Error(`span ${index} (${spanId}) has no start_time_unix_nano`);
  const end = json.end_time_unix_nano;
  const message = json.status?.message;
  const span: SpanData = {
    traceId,
    spanId,
    parentId: hexId(json.parent_span_id, 8) || null,
    name: String(json.name ?? ''),
    spanType:
      typeof attributes['mlflow.spanType'] === 'string'
        ? (attributes['mlflow.spanType'] as string)
        : 'UNKNOWN',
    startTimeNs: start,
    endTimeNs: end === null || end === undefined ? null : Number(end),
    status: { code: statusCode(json.status?.code), ...(message ? { message: String(message) } : {}) },
    attributes,
    events: (Array.isArray(json.events) ? json.events : []).map((e: Json) => ({
      name: String(e?.name ?? ''),
      timeNs: Number(e?.time_unix_nano ?? 0),
      attributes: isObject(e?.attributes) ? e.attributes : {},
    })),
  };
  if (inputs !== undefined) span.inputs = inputs;
  if (outputs !== undefined) span.outputs = outputs;
  return span;
}

/** A `TraceRecord` from MLflow's trace JSON `{info: {trace_id, …}, data: {spans}}`; throws what is wrong. */
export function traceFromMlflowJson(json: Json): TraceRecord {
  const info: Json = json.info;
  const traceId = info.trace_id ?? info.request_id;
  if (typeof traceId !== 'string' || !traceId) throw new Error('info.trace_id is missing');
  const rawState = String(info.state ?? info.status ?? 'OK');
  const state = (rawState === 'STATE_UNSPECIFIED' ? 'IN_PROGRESS' : rawState) as TraceState;
  if (!['OK', 'ERROR', 'IN_PROGRESS'].includes(state))
    throw new Error(`info.state ${JSON.stringify(rawState)} is not OK, ERROR or IN_PROGRESS`);
  const metadata = { ...keyValues(info.trace_metadata), ...keyValues(info.request_metadata) };
  const out: TraceInfo = {
    traceId,
    experimentId: String(info.trace_location?.mlflow_experiment?.experiment_id ?? info.experiment_id ?? '0'),
    requestTime: epochMs(info.request_time ?? info.timestamp_ms),
    executionDuration: durationMs(info),
    state,
    traceMetadata: metadata,
    tags: keyValues(info.tags),
    assessments: (Array.isArray(info.assessments) ? info.assessments : []).map((a: Json) =>
      assessmentOf(a, traceId),
    ),
  };
  if (info.client_request_id !== undefined) out.clientRequestId = String(info.client_request_id);
  if (info.request_preview !== undefined) out.requestPreview = String(info.request_preview);
  if (info.response_preview !== undefined) out.responsePreview = String(info.response_preview);
  const usage = decode(metadata['mlflow.trace.tokenUsage']);
  if (isObject(usage)) out.tokenUsage = usage as TraceInfo['tokenUsage'];
  const spans = json.data?.spans ?? [];
  if (!Array.isArray(spans)) throw new Error('data.spans is not an array');
  return { info: out, data: { spans: spans.map((s: Json, i: number) => spanOf(s, traceId, i)) } };
}
