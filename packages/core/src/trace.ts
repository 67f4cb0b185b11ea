import { formatDuration } from './destinations/mlflow/trace-info-json.js';
import { toOtelTraceId } from './ids.js';
import type { SpanData, TraceData, TraceInfo, TraceRecord } from './types.js';

/** A finished trace, as read back: `info` and `data.spans`, with `toJSON()` in MLflow's JSON form. */
export class Trace implements TraceRecord {
  readonly info: TraceInfo;
  readonly data: TraceData;

  constructor(record: TraceRecord) {
    this.info = record.info;
    this.data = record.data;
  }

  /** The root span (the one without a parent in this trace). */
  get rootSpan(): SpanData | undefined {
    const ids = new Set(this.data.spans.map((s) => s.spanId));
    return this.data.spans.find((s) => !s.parentId || !ids.has(s.parentId));
  }

  /** Spans with this name. */
  searchSpans(filter: { name?: string; spanType?: string }): SpanData[] {
    return this.data.spans.filter(
      (s) =>
        (filter.name === undefined || s.name === filter.name) &&
        (filter.spanType === undefined || s.spanType === filter.spanType),
    );
  }

  toJSON(): Record<string, unknown> {
    return toMlflowJson(this);
  }
}

const hexToBase64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

/** MLflow 3's JSON of a trace: snake_case info and OpenTelemetry-shaped spans with JSON-encoded attributes. */
export function toMlflowJson(trace: TraceRecord): Record<string, unknown> {
  const { info } = trace;
  return {
    info: {
      trace_id: info.traceId,
      ...(info.clientRequestId !== undefined ? { client_request_id: info.clientRequestId } : {}),
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: info.experimentId } },
      request_time: new Date(info.requestTime).toISOString(),
      execution_duration: formatDuration(info.executionDuration),
      state: info.state,
      trace_metadata: info.traceMetadata,
      tags: info.tags,
      assessments: info.assessments,
      ...(info.requestPreview !== undefined ? { request_preview: info.requestPreview } : {}),
      ...(info.responsePreview !== undefined ? { response_preview: info.responsePreview } : {}),
    },
    data: { spans: trace.data.spans.map(spanToMlflowJson) },
  };
}

function spanToMlflowJson(span: SpanData): Record<string, unknown> {
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(span.attributes)) attributes[key] = JSON.stringify(value);
  attributes['mlflow.traceRequestId'] = JSON.stringify(`tr-${toOtelTraceId(span.traceId)}`);
  attributes['mlflow.spanType'] = JSON.stringify(span.spanType);
  if (span.inputs !== undefined) attributes['mlflow.spanInputs'] = JSON.stringify(span.inputs);
  if (span.outputs !== undefined) attributes['mlflow.spanOutputs'] = JSON.stringify(span.outputs);
  return {
    trace_id: hexToBase64(toOtelTraceId(span.traceId)),
    span_id: hexToBase64(span.spanId),
    trace_state: '',
    parent_span_id: span.parentId ? hexToBase64(span.parentId) : '',
    name: span.name,
    start_time_unix_nano: String(span.startTimeNs),
    end_time_unix_nano: span.endTimeNs === null ? null : String(span.endTimeNs),
    attributes,
    status: { code: `STATUS_CODE_${span.status.code}`, message: span.status.message ?? '' },
    events: span.events.map((e) => ({
      name: e.name,
      time_unix_nano: String(e.timeNs),
      attributes: e.attributes,
    })),
  };
}
