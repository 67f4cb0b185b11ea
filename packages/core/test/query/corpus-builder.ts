/**
 * Builds corpus traces from compact specs (spans as offsets from the request time).
 */
import type {
  Assessment,
  Expectation,
  Feedback,
  SpanData,
  SpanEvent,
  TraceRecord,
  TraceState,
} from '../../src/types.js';

const MS = 1_000_000;

export interface SpanSpec {
  name: string;
  type: string;
  start: number;
  end: number;
  status?: 'OK' | 'ERROR' | 'UNSET';
  statusMessage?: string;
  inputs?: unknown;
  outputs?: unknown;
  exception?: { type: string; message: string };
  usage?: { input_tokens: number; output_tokens: number; total_tokens: number };
}

type Generated = 'traceId' | 'createTime' | 'lastUpdateTime' | 'valid';

export interface TraceSpec {
  id: string;
  at: number;
  duration: number;
  state: TraceState;
  experimentId?: string;
  clientRequestId?: string;
  metadata?: Record<string, string>;
  tags?: Record<string, string>;
  spans: SpanSpec[];
  assessments?: Array<(Omit<Feedback, Generated> | Omit<Expectation, Generated>) & { valid?: boolean }>;
  tokens?: number;
  cost?: number;
}

/** A trace from its spec; `base` is the epoch-ms origin of `at`. */
export function build(spec: TraceSpec, base: number): TraceRecord {
  const requestTime = base + spec.at;
  const hex = spec.id.slice(-4);
  const spans: SpanData[] = spec.spans.map((s, i) => {
    const events: SpanEvent[] = s.exception
      ? [
          {
            name: 'exception',
            timeNs: (requestTime + s.end) * MS,
            attributes: { 'exception.type': s.exception.type, 'exception.message': s.exception.message },
          },
        ]
      : [];
    return {
      traceId: spec.id,
      spanId: `${hex}${i.toString(16).padStart(12, '0')}`,
      parentId: i === 0 ? null : `${hex}000000000000`,
      name: s.name,
      spanType: s.type,
      startTimeNs: (requestTime + s.start) * MS,
      endTimeNs: (requestTime + s.end) * MS,
      status: { code: s.status ?? 'OK', ...(s.statusMessage ? { message: s.statusMessage } : {}) },
      inputs: s.inputs,
      outputs: s.outputs,
      attributes: s.usage ? { 'mlflow.chat.tokenUsage': s.usage } : {},
      events,
    };
  });
  const root = spans[0];
  const tokens = spec.tokens;
  return {
    info: {
      traceId: spec.id,
      ...(spec.clientRequestId ? { clientRequestId: spec.clientRequestId } : {}),
      experimentId: spec.experimentId ?? '0',
      requestTime,
      executionDuration: spec.duration,
      state: spec.state,
      traceMetadata: {
        'mlflow.trace_schema.version': '3',
        ...(spec.cost !== undefined
          ? {
              'mlflow.trace.cost': JSON.stringify({
                input_cost: spec.cost / 2,
                output_cost: spec.cost / 2,
                total_cost: spec.cost,
              }),
            }
          : {}),
        ...(tokens !== undefined
          ? {
              'mlflow.trace.tokenUsage': JSON.stringify({
                input_tokens: tokens - 10,
                output_tokens: 10,
                total_tokens: tokens,
              }),
            }
          : {}),
        ...spec.metadata,
      },
      tags: { 'mlflow.traceName': root.name, ...spec.tags },
      assessments: (spec.assessments ?? []).map(
        (a, i) =>
          ({
            ...a,
            traceId: spec.id,
            createTime: requestTime + 60_000 + i,
            lastUpdateTime: requestTime + 60_000 + i,
            valid: a.valid ?? true,
          }) as Assessment,
      ),
      requestPreview: JSON.stringify(root.inputs ?? null),
      responsePreview: JSON.stringify(root.outputs ?? null),
      ...(tokens !== undefined
        ? { tokenUsage: { input_tokens: tokens - 10, output_tokens: 10, total_tokens: tokens } }
        : {}),
    },
    data: { spans },
  };
}
