import { activeOtelParent, type Frame } from './context.js';
import { newOtelTraceId, toMlflowTraceId } from './ids.js';
import { LiveSpan, NonRecordingSpan } from './live-span.js';
import { currentParent } from './plugin/parent-resolver.js';
import { settings } from './settings.js';
import { TraceBuffer } from './trace-buffer.js';
import { SpanType, type SpanTypeName } from './types.js';

export interface CreateSpanOptions {
  name: string;
  spanType?: SpanTypeName;
  inputs?: unknown;
  attributes?: Record<string, unknown>;
  /** The parent; `undefined` means the current span, `null` forces a new trace. */
  parent?: LiveSpan | null;
  /** Epoch nanoseconds; defaults to now. */
  startTimeNs?: number;
}

/** OpenTelemetry trace ids an Autolog trace has already joined (bounded, oldest forgotten first). */
const joinedOtelTraces = new Set<string>();
const MAX_JOINED = 10_000;
function rememberJoined(otelTraceId: string): void {
  if (joinedOtelTraces.has(otelTraceId)) return;
  joinedOtelTraces.add(otelTraceId);
  if (joinedOtelTraces.size > MAX_JOINED)
    joinedOtelTraces.delete(joinedOtelTraces.values().next().value as string);
}

const NOOP_BUFFER = new TraceBuffer('00000000000000000000000000000000', -1, false);
/** The span handed out when nothing is recorded; safe to use and end any number of times. */
export const NOOP_SPAN: LiveSpan = new NonRecordingSpan(
  NOOP_BUFFER,
  '0000000000000000',
  null,
  'noop',
  SpanType.UNKNOWN,
  0,
);

/**
 * Starts a span: a child of `parent` (or of the current span), or the root of a new trace.
 * Never throws; returns a non-recording span when tracing is disabled or the trace is sampled out.
 * `frame` is the current frame as the caller read it (`currentFrame()`), undefined outside any:
 * required, not defaulted, since a default would read the storage again whenever there is no
 * frame, which is every call at the top of the app.
 */
export function createSpan(options: CreateSpanOptions, frame: Frame | undefined): LiveSpan {
  if (frame?.disabled) return NOOP_SPAN;
  const parent = options.parent === undefined ? currentParent(frame?.span) : options.parent;
  const spanType = options.spanType ?? SpanType.UNKNOWN;
  let span: LiveSpan;
  if (parent && !parent.buffer.finished) {
    span = new LiveSpan(parent.buffer, undefined, parent.spanId, options.name, spanType, options.startTimeNs);
  } else if (parent && !parent.isRecording) {
    return NOOP_SPAN;
  } else {
    const config = settings();
    if (config.sampleRate < 1 && Math.random() >= config.sampleRate) return NOOP_SPAN;
    const otelParent = activeOtelParent(frame);
    let buffer: TraceBuffer;
    if (otelParent) {
      // The first Autolog trace inside an app trace takes its id; later ones get ids of their own
      // (a trace id names one trace in the store) but keep the app's id for OpenTelemetry children.
      const own = joinedOtelTraces.has(otelParent.traceId) ? toMlflowTraceId(newOtelTraceId()) : undefined;
      rememberJoined(otelParent.traceId);
      buffer = new TraceBuffer(otelParent.traceId, config.openSpanGraceMs, true, own);
    } else {
      buffer = new TraceBuffer(undefined, config.openSpanGraceMs);
    }
    span = new LiveSpan(buffer, undefined, null, options.name, spanType, options.startTimeNs);
    if (otelParent) {
      span.attributes['autolog.otel.parent_span_id'] = otelParent.spanId;
      span.attributes['autolog.otel.trace_id'] = otelParent.traceId;
    }
  }
  const buffer = span.buffer;
  if (frame?.metadata) for (const key in frame.metadata) buffer.setMetadata(key, frame.metadata[key]);
  if (frame?.tags) for (const key in frame.tags) buffer.setTag(key, frame.tags[key]);
  buffer.addSpan(span);
  if (options.inputs !== undefined) span.setInputs(options.inputs);
  if (options.attributes) span.setAttributes(options.attributes);
  return span;
}
