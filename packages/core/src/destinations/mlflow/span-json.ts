import { toMlflowTraceId } from '../../ids.js';
import { toMlflowJson } from '../../trace.js';
import type { SpanData, SpanEvent, SpanStatusCode, TraceRecord } from '../../types.js';

type Json = Record<string, any>;

/**
 * The `traces.json` MLflow keeps per trace: `{"spans":[…]}`, each span OpenTelemetry-shaped
 * with base64 ids and JSON-encoded attribute values (`mlflow.spanInputs`, …).
 *
 * @example
 * const body = JSON.stringify(tracesJson(record)); // PUT …/mlflow-artifacts/artifacts/<location>/traces.json
 */
export function tracesJson(record: TraceRecord): { spans: unknown[] } {
  return { spans: (toMlflowJson(record).data as { spans: unknown[] }).spans };
}

/** 32/16 hex characters from an id that is hex already or base64 (MLflow JSON, OTLP JSON). */
export function idToHex(value: unknown, bytes: number): string {
  if (typeof value !== 'string' || !value) return '';
  if (new RegExp(`^[0-9a-f]{${bytes * 2}}$`, 'i').test(value)) return value.toLowerCase();
  return Buffer.from(value, 'base64').toString('hex');
}

/** An OTLP `AnyValue` (snake_case or camelCase JSON) as a plain value. */
function anyValue(v: Json | undefined): unknown {
  if (!v || typeof v !== 'object') return v;
  const get = (snake: string, camel: string) => (snake in v ? v[snake] : v[camel]);
  if ('string_value' in v || 'stringValue' in v) return get('string_value', 'stringValue');
  if ('bool_value' in v || 'boolValue' in v) return get('bool_value', 'boolValue');
  if ('int_value' in v || 'intValue' in v) return Number(get('int_value', 'intValue'));
  if ('double_value' in v || 'doubleValue' in v) return Number(get('double_value', 'doubleValue'));
  const array = get('array_value', 'arrayValue');
  if (array) return (array.values ?? []).map(anyValue);
  const kv = get('kvlist_value', 'kvlistValue');
  if (kv) return Object.fromEntries((kv.values ?? []).map((e: Json) => [e.key, anyValue(e.value)]));
  return undefined;
}

/** Attribute map of either form: `{key: "<json>"}` (MLflow) or `[{key, value: AnyValue}]` (OTLP JSON). */
function attributesOf(raw: unknown): Record<string, unknown> {
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((kv: Json) => [kv.key, anyValue(kv.value)]));
  return raw && typeof raw === 'object' ? { ...(raw as Record<string, unknown>) } : {};
}

/** MLflow stores attribute values JSON-encoded; a value that is not JSON is kept as the string. */
export function decode(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function statusCode(code: unknown): SpanStatusCode {
  const text = String(code ?? '').toUpperCase();
  if (text === '1' || text.endsWith('OK')) return 'OK';
  if (text === '2' || text.endsWith('ERROR')) return 'ERROR';
  return 'UNSET';
}

/**
 * A span read back from MLflow — from `traces.json` or from the tracking store's OTLP-shaped
 * JSON — as Autolog's `SpanData` (inputs, outputs and span type out of their attributes).
 */
export function spanFromJson(json: Json, traceId?: string): SpanData {
  const attributes: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(attributesOf(json.attributes))) attributes[key] = decode(raw);
  const requestId = attributes['mlflow.traceRequestId'];
  const inputs = attributes['mlflow.spanInputs'];
  const outputs = attributes['mlflow.spanOutputs'];
  delete attributes['mlflow.traceRequestId'];
  delete attributes['mlflow.spanInputs'];
  delete attributes['mlflow.spanOutputs'];
  const spanType = attributes['mlflow.spanType'];
  const parent = idToHex(json.parent_span_id ?? json.parentSpanId, 8);
  const end = json.end_time_unix_nano ?? json.endTimeUnixNano;
  const message = json.status?.message;
  const span: SpanData = {
    traceId:
      typeof requestId === 'string'
        ? requestId
        : (traceId ?? toMlflowTraceId(idToHex(json.trace_id ?? json.traceId, 16))),
    spanId: idToHex(json.span_id ?? json.spanId, 8),
    parentId: parent || null,
    name: String(json.name ?? ''),
    spanType: typeof spanType === 'string' ? spanType : 'UNKNOWN',
    startTimeNs: Number(json.start_time_unix_nano ?? json.startTimeUnixNano ?? 0),
    endTimeNs: end === null || end === undefined ? null : Number(end),
    status: { code: statusCode(json.status?.code), ...(message ? { message: String(message) } : {}) },
    attributes,
    events: (Array.isArray(json.events) ? json.events : []).map(
      (e: Json): SpanEvent => ({
        name: String(e?.name ?? ''),
        timeNs: Number(e?.time_unix_nano ?? e?.timeUnixNano ?? 0),
        attributes: Array.isArray(e?.attributes) ? attributesOf(e.attributes) : { ...(e?.attributes ?? {}) },
      }),
    ),
  };
  if (inputs !== undefined) span.inputs = inputs;
  if (outputs !== undefined) span.outputs = outputs;
  return span;
}
