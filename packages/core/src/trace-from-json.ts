/**
 * MLflow's JSON of a whole trace (`Trace.to_json()` in Python, `toMlflowJson` / `trace.toJSON()`
 * here) back to a `TraceRecord`: snake_case info with an RFC 3339 request time and a `"1.25s"`
 * duration, OpenTelemetry-shaped spans with base64 or hex ids and JSON-encoded attribute values
 * (`mlflow.spanInputs`, `mlflow.spanOutputs`, `mlflow.spanType`). The spans and assessments are
 * read as the MLflow destination reads them; what this adds is strictness: a file given by a user
 * is checked, and what is wrong is said.
 */
import { assessmentFromJson } from './destinations/mlflow/assessment-json.js';
import { decode, idToHex, spanFromJson } from './destinations/mlflow/span-json.js';
import type { Assessment, SpanData, TraceInfo, TraceRecord, TraceState } from './types.js';

type Json = Record<string, any>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

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

/** String values of a `{key: value}` map or a `[{key, value}]` list. */
function keyValues(value: unknown): Record<string, string> {
  if (Array.isArray(value))
    return Object.fromEntries(value.map((kv: Json) => [String(kv.key), String(kv.value)]));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
  return {};
}

/** An assessment in MLflow's JSON (or already in Autolog's form, as `trace.toJSON()` keeps it). */
function assessmentOf(json: Json, traceId: string): Assessment {
  if (typeof json.assessmentId === 'string') return json as Assessment;
  const assessment = { ...assessmentFromJson(json), traceId };
  if (isObject(json.metadata)) assessment.metadata = keyValues(json.metadata);
  else delete assessment.metadata;
  return assessment;
}

function spanOf(json: Json, traceId: string, index: number): SpanData {
  if (!isObject(json)) throw new Error(`span ${index} is not an object`);
  const spanId = idToHex(json.span_id, 8);
  if (!spanId) throw new Error(`span ${index} has no span_id`);
  if (!Number.isFinite(Number(json.start_time_unix_nano)))
    throw new Error(`span ${index} (${spanId}) has no start_time_unix_nano`);
  return { ...spanFromJson(json, traceId), traceId };
}

/**
 * A `TraceRecord` from MLflow's trace JSON `{info: {trace_id, …}, data: {spans}}`; throws an
 * `Error` saying what is wrong.
 *
 * @example
 * const trace = traceFromMlflowJson(JSON.parse(readFileSync('trace.json', 'utf8')));
 */
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
