import {
  type Attributes,
  type AttributeValue,
  type HrTime,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
} from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { toMlflowTraceId, toOtelTraceId } from '../../ids.js';
import type { SpanData, TraceRecord } from '../../types.js';
import { genAiAttributes } from './gen-ai-attributes.js';

export type AttributeStyle =
  /** Every attribute JSON-encoded, as MLflow stores them (the tracking server's `/v1/traces`). */
  | 'mlflow'
  /** `mlflow.*` JSON-encoded, other attributes native where OpenTelemetry allows, plus `gen_ai.*`, `user.id`, `session.id`. */
  | 'otel';

const SCOPE = { name: '@autolog/core', version: '0.1.0' };

function hrTime(ns: number): HrTime {
  const seconds = Math.floor(ns / 1e9);
  return [seconds, Math.round(ns - seconds * 1e9)];
}

function nativeValue(value: unknown): AttributeValue {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value) && value.length && value.every((v) => typeof v === 'string'))
    return value as string[];
  if (Array.isArray(value) && value.length && value.every((v) => typeof v === 'number'))
    return value as number[];
  return JSON.stringify(value) ?? 'null';
}

/** The OpenTelemetry trace id and remote parent of a record (set when it joined an app's or a caller's trace). */
export function otelIdentity(record: TraceRecord): { traceId: string; remoteParent?: string } {
  const root = record.data.spans[0];
  const joined = root?.attributes['autolog.otel.trace_id'];
  const parent = root?.attributes['autolog.otel.parent_span_id'];
  return {
    traceId:
      typeof joined === 'string' && /^[0-9a-f]{32}$/.test(joined)
        ? joined
        : toOtelTraceId(record.info.traceId),
    ...(typeof parent === 'string' && /^[0-9a-f]{16}$/.test(parent) ? { remoteParent: parent } : {}),
  };
}

function spanAttributes(span: SpanData, record: TraceRecord, style: AttributeStyle): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(span.attributes)) {
    if (value === undefined || key.startsWith('autolog.otel.')) continue;
    out[key] = style === 'mlflow' || key.startsWith('mlflow.') ? JSON.stringify(value) : nativeValue(value);
  }
  out['mlflow.traceRequestId'] = JSON.stringify(toMlflowTraceId(toOtelTraceId(record.info.traceId)));
  out['mlflow.spanType'] = JSON.stringify(span.spanType);
  if (span.inputs !== undefined) out['mlflow.spanInputs'] = JSON.stringify(span.inputs);
  if (span.outputs !== undefined) out['mlflow.spanOutputs'] = JSON.stringify(span.outputs);
  if (style === 'otel') Object.assign(out, genAiAttributes(span, record));
  return out;
}

const KIND: Record<string, SpanKind> = {
  LLM: SpanKind.CLIENT,
  CHAT_MODEL: SpanKind.CLIENT,
  EMBEDDING: SpanKind.CLIENT,
  RERANKER: SpanKind.CLIENT,
};
const STATUS: Record<string, SpanStatusCode> = {
  OK: SpanStatusCode.OK,
  ERROR: SpanStatusCode.ERROR,
  UNSET: SpanStatusCode.UNSET,
};

/**
 * OpenTelemetry `ReadableSpan`s of a finished trace, for the official OTLP exporters and
 * serialisers. A trace that continued a caller's trace (W3C `traceparent`) or joined the app's
 * OpenTelemetry trace keeps that trace id, and its root span's parent is the caller's span.
 *
 * @example
 * new OTLPTraceExporter({ url }).export(toReadableSpans(record, resource, 'otel'), (result) => …);
 */
export function toReadableSpans(
  record: TraceRecord,
  resource: Resource,
  style: AttributeStyle,
): ReadableSpan[] {
  const { traceId, remoteParent } = otelIdentity(record);
  return record.data.spans.map((span, index): ReadableSpan => {
    const start = hrTime(span.startTimeNs);
    const endNs = span.endTimeNs ?? span.startTimeNs;
    const parentId = span.parentId ?? (index === 0 ? remoteParent : undefined);
    return {
      name: span.name,
      kind: KIND[span.spanType] ?? SpanKind.INTERNAL,
      spanContext: () => ({ traceId, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED }),
      ...(parentId
        ? {
            parentSpanContext: {
              traceId,
              spanId: parentId,
              traceFlags: TraceFlags.SAMPLED,
              isRemote: span.parentId === null,
            },
          }
        : {}),
      startTime: start,
      endTime: hrTime(endNs),
      duration: hrTime(Math.max(0, endNs - span.startTimeNs)),
      status: {
        code: STATUS[span.status.code] ?? SpanStatusCode.UNSET,
        ...(span.status.message ? { message: span.status.message } : {}),
      },
      attributes: spanAttributes(span, record, style),
      links: [],
      events: span.events.map((e) => ({
        name: e.name,
        time: hrTime(e.timeNs),
        attributes: Object.fromEntries(
          Object.entries(e.attributes ?? {}).map(([k, v]) => [k, nativeValue(v)]),
        ),
      })),
      ended: true,
      resource,
      instrumentationScope: SCOPE,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
  });
}
