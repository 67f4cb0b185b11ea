import { currentFrame } from './context.js';
import { diag } from './diag.js';
import { AutologError } from './errors.js';
import { currentDestinations, ensurePipeline } from './init.js';
import type { EndSpanOptions, LiveSpan } from './live-span.js';
import { findOpenTrace } from './trace-buffer.js';
import { createSpan, NOOP_SPAN } from './tracer.js';
import { Trace } from './trace.js';
import type { SpanStatus, SpanStatusCode, SpanTypeName, TraceStore } from './types.js';

export interface StartTraceOptions {
  name: string;
  inputs?: unknown;
  attributes?: Record<string, unknown>;
  spanType?: SpanTypeName;
  tags?: Record<string, string>;
  metadata?: Record<string, string>;
  /** Epoch nanoseconds; defaults to now. */
  startTimeNs?: number;
}

export interface ClientStartSpanOptions {
  name: string;
  traceId: string;
  parentId: string;
  inputs?: unknown;
  attributes?: Record<string, unknown>;
  spanType?: SpanTypeName;
  startTimeNs?: number;
}

export interface ClientEndSpanOptions {
  traceId: string;
  spanId: string;
  outputs?: unknown;
  attributes?: Record<string, unknown>;
  status?: SpanStatus | SpanStatusCode;
  endTimeNs?: number;
}

export interface ClientEndTraceOptions extends Omit<ClientEndSpanOptions, 'spanId'> {}

/**
 * Tracing with explicit ids, for callbacks and code where the current span cannot follow the
 * call (event handlers, queues). Safe with many traces open at once and with spans ending in
 * any order. Spans of a fluent trace can be parents here too.
 *
 * @example
 * const client = new TracingClient();
 * const root = client.startTrace({ name: 'rag', inputs: { question } });
 * const child = client.startSpan({ name: 'retrieve', traceId: root.traceId, parentId: root.spanId, spanType: 'RETRIEVER' });
 * client.endSpan({ traceId: root.traceId, spanId: child.spanId, outputs: docs });
 * client.endTrace({ traceId: root.traceId, outputs: answer });
 */
export class TracingClient {
  private readonly store?: TraceStore;

  /** `store`: read traces from this store instead of the configured destinations. */
  constructor(options: { store?: TraceStore } = {}) {
    this.store = options.store;
  }

  /** Starts a new trace and returns its root span. */
  startTrace(options: StartTraceOptions): LiveSpan {
    const span = createSpan({ ...options, parent: null }, currentFrame());
    if (span.isRecording) {
      if (options.tags) for (const [k, v] of Object.entries(options.tags)) span.buffer.setTag(k, String(v));
      if (options.metadata) for (const [k, v] of Object.entries(options.metadata)) span.buffer.setMetadata(k, String(v));
    }
    return span;
  }

  /** Starts a span under `parentId` in the open trace `traceId`. */
  startSpan(options: ClientStartSpanOptions): LiveSpan {
    const buffer = findOpenTrace(options.traceId);
    if (!buffer) {
      diag.once('warn', `client-no-trace:${options.traceId}`, `startSpan: trace ${options.traceId} is not open (unknown or already ended); span "${options.name}" not recorded`);
      return NOOP_SPAN;
    }
    let parent = buffer.findSpan(options.parentId);
    if (!parent) {
      diag.once('warn', `client-no-parent:${options.parentId}`, `startSpan: parent span ${options.parentId} not found in trace ${options.traceId}; "${options.name}" attached to the root span`);
      parent = buffer.root;
    }
    return createSpan({ ...options, parent: parent ?? null }, undefined);
  }

  /** Ends a span by id; ending it again is ignored. */
  endSpan(options: ClientEndSpanOptions): void {
    const span = findOpenTrace(options.traceId)?.findSpan(options.spanId);
    if (!span) {
      diag.once('warn', `client-end:${options.spanId}`, `endSpan: span ${options.spanId} of trace ${options.traceId} is not open`);
      return;
    }
    span.end(endOptions(options));
  }

  /** Ends the root span of a trace; the trace is exported once its other spans have ended too. */
  endTrace(options: ClientEndTraceOptions): void {
    const root = findOpenTrace(options.traceId)?.root;
    if (!root) {
      diag.once('warn', `client-end-trace:${options.traceId}`, `endTrace: trace ${options.traceId} is not open`);
      return;
    }
    root.end(endOptions(options));
  }

  /** Reads a finished trace back whole (waits for pending exports first); null if unknown. */
  async getTrace(traceId: string): Promise<Trace | null> {
    const store = this.store ?? (await readableStore());
    const record = await store.getTrace(traceId);
    return record ? new Trace(record) : null;
  }
}

function endOptions(o: Omit<ClientEndSpanOptions, 'traceId' | 'spanId'>): EndSpanOptions {
  return { outputs: o.outputs, attributes: o.attributes, status: o.status, endTimeNs: o.endTimeNs };
}

/** The first configured destination that can read traces back, after flushing pending traces. */
export async function readableStore(): Promise<TraceStore> {
  await ensurePipeline().flush();
  const store = currentDestinations().find((d): d is TraceStore => typeof (d as TraceStore).getTrace === 'function');
  if (!store) {
    throw new AutologError('NOT_SUPPORTED', `none of the configured destinations (${currentDestinations().map((d) => d.name).join(', ')}) can read traces back; add the local store or memory destination.`);
  }
  return store;
}

/** Reads a finished trace back whole from the configured store (waits for pending exports first). */
export async function getTrace(traceId: string): Promise<Trace | null> {
  return new TracingClient().getTrace(traceId);
}
