/**
 * `tracesToRows`: the flat table MLflow's `search_traces` returns, one record per trace.
 */
import type { Assessment, SpanData, TraceRecord, TraceState } from '../types.js';

/** One row per trace, with the columns of MLflow's `search_traces` DataFrame. */
export interface TraceTableRow {
  trace_id: string;
  /** Epoch milliseconds. */
  request_time: number;
  /** Milliseconds. */
  execution_duration: number;
  state: TraceState;
  /** The root span's inputs (or the parsed request preview when spans were not loaded). */
  request: unknown;
  /** The root span's outputs (or the parsed response preview). */
  response: unknown;
  trace_metadata: Record<string, string>;
  tags: Record<string, string>;
  spans: SpanData[];
  assessments: Assessment[];
  client_request_id: string | null;
}

function rootOf(spans: readonly SpanData[]): SpanData | undefined {
  const ids = new Set(spans.map((s) => s.spanId));
  return spans.find((s) => !s.parentId || !ids.has(s.parentId));
}

/** A preview parsed as JSON when it is JSON (previews are cut at 1,000 characters). */
function parsePreview(preview: string | undefined): unknown {
  if (preview === undefined) return null;
  try {
    return JSON.parse(preview);
  } catch {
    return preview;
  }
}

/**
 * One flat record per trace — `trace_id, request_time, execution_duration, state, request,
 * response, trace_metadata, tags, spans, assessments, client_request_id` — ready for
 * `console.table`, a CSV writer or a DataFrame library.
 *
 * @example
 * const { traces } = await searchTraces({ filterString: "metadata.`mlflow.trace.user` = 'u1'" });
 * const rows = tracesToRows(traces);
 * const meanMs = rows.reduce((s, r) => s + r.execution_duration, 0) / rows.length;
 */
export function tracesToRows(traces: readonly TraceRecord[]): TraceTableRow[] {
  return traces.map(({ info, data }) => {
    const spans = data?.spans ?? [];
    const root = rootOf(spans);
    return {
      trace_id: info.traceId,
      request_time: info.requestTime,
      execution_duration: info.executionDuration,
      state: info.state,
      request: root ? (root.inputs ?? null) : parsePreview(info.requestPreview),
      response: root ? (root.outputs ?? null) : parsePreview(info.responsePreview),
      trace_metadata: { ...info.traceMetadata },
      tags: { ...info.tags },
      spans: [...spans],
      assessments: [...(info.assessments ?? [])],
      client_request_id: info.clientRequestId ?? null,
    };
  });
}
