import {
  type ErrorGroup,
  type ErrorGroupsOptions,
  errorGroupsIn,
  type SlowestSpansOptions,
  type SlowSpan,
  slowestSpansIn,
} from './analyse/spans.js';
import { type TraceStats, type TraceStatsOptions, traceStatsIn } from './analyse/stats.js';
import { type SessionTimeline, sessionTimelineIn } from './analyse/timeline.js';
import {
  deleteAssessmentIn,
  getAssessmentIn,
  type LogExpectationOptions,
  type LogFeedbackOptions,
  logExpectationIn,
  logFeedbackIn,
  type UpdateAssessmentOptions,
  updateAssessmentIn,
} from './annotate/assessments.js';
import {
  type DeleteTracesOptions,
  deleteTracesIn,
  deleteTraceTagIn,
  setTraceTagIn,
} from './annotate/tags.js';
import { currentFrame, type Frame } from './context.js';
import { diag } from './diag.js';
import { AutologError } from './errors.js';
import { currentDestinations, ensurePipeline } from './init.js';
import type { EndSpanOptions, LiveSpan } from './live-span.js';
import { searchStore } from './query/search.js';
import type { SearchTracesOptions } from './query/search-options.js';
import { Trace } from './trace.js';
import { findOpenTrace } from './trace-buffer.js';
import { createSpan, NOOP_SPAN } from './tracer.js';
import type {
  Assessment,
  Expectation,
  Feedback,
  SpanStatus,
  SpanStatusCode,
  SpanTypeName,
  TraceStore,
} from './types.js';

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

/** Spans started by explicit ids take nothing from the caller's context (its span, tracingContext metadata or switch). */
const EXPLICIT_IDS: Frame = {};

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
      if (options.metadata)
        for (const [k, v] of Object.entries(options.metadata)) span.buffer.setMetadata(k, String(v));
    }
    return span;
  }

  /** Starts a span under `parentId` in the open trace `traceId`. */
  startSpan(options: ClientStartSpanOptions): LiveSpan {
    const buffer = findOpenTrace(options.traceId);
    if (!buffer) {
      diag.once(
        'warn',
        `client-no-trace:${options.traceId}`,
        `startSpan: trace ${options.traceId} is not open (unknown or already ended); span "${options.name}" not recorded`,
      );
      return NOOP_SPAN;
    }
    let parent = buffer.findSpan(options.parentId);
    if (!parent) {
      diag.once(
        'warn',
        `client-no-parent:${options.parentId}`,
        `startSpan: parent span ${options.parentId} not found in trace ${options.traceId}; "${options.name}" attached to the root span`,
      );
      parent = buffer.root;
    }
    return createSpan({ ...options, parent: parent ?? null }, EXPLICIT_IDS);
  }

  /** Ends a span by id; ending it again is ignored. */
  endSpan(options: ClientEndSpanOptions): void {
    const span = findOpenTrace(options.traceId)?.findSpan(options.spanId);
    if (!span) {
      diag.once(
        'warn',
        `client-end:${options.spanId}`,
        `endSpan: span ${options.spanId} of trace ${options.traceId} is not open`,
      );
      return;
    }
    span.end(endOptions(options));
  }

  /** Ends the root span of a trace; the trace is exported once its other spans have ended too. */
  endTrace(options: ClientEndTraceOptions): void {
    const root = findOpenTrace(options.traceId)?.root;
    if (!root) {
      diag.once(
        'warn',
        `client-end-trace:${options.traceId}`,
        `endTrace: trace ${options.traceId} is not open`,
      );
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

  // Search, annotate and analyse: see the top-level functions of the same names for details.

  /** One page of traces matching a filter, newest first by default (see `searchTraces`). */
  async searchTraces(options: SearchTracesOptions = {}): Promise<SearchTracesResult> {
    const page = await searchStore(await this.readStore(), options);
    const traces = page.traces.map((record) => new Trace(record));
    return page.nextPageToken ? { traces, nextPageToken: page.nextPageToken } : { traces };
  }

  async setTraceTag(traceId: string, key: string, value: string): Promise<void> {
    return setTraceTagIn(await this.readStore(), traceId, key, value);
  }

  async deleteTraceTag(traceId: string, key: string): Promise<void> {
    return deleteTraceTagIn(await this.readStore(), traceId, key);
  }

  async deleteTraces(options: DeleteTracesOptions): Promise<number> {
    return deleteTracesIn(await this.readStore(), options);
  }

  async logFeedback(options: LogFeedbackOptions): Promise<Feedback> {
    return logFeedbackIn(await this.readStore(), options);
  }

  async logExpectation(options: LogExpectationOptions): Promise<Expectation> {
    return logExpectationIn(await this.readStore(), options);
  }

  async getAssessment(traceId: string, assessmentId: string): Promise<Assessment> {
    return getAssessmentIn(await this.readStore(), traceId, assessmentId);
  }

  async updateAssessment(options: UpdateAssessmentOptions): Promise<Assessment> {
    return updateAssessmentIn(await this.readStore(), options);
  }

  async deleteAssessment(traceId: string, assessmentId: string): Promise<void> {
    return deleteAssessmentIn(await this.readStore(), traceId, assessmentId);
  }

  async getTraceStats(options: TraceStatsOptions = {}): Promise<TraceStats[]> {
    return traceStatsIn(await this.readStore(), options);
  }

  async getSessionTimeline(
    sessionId: string,
    options: { experimentIds?: readonly string[] } = {},
  ): Promise<SessionTimeline> {
    return sessionTimelineIn(await this.readStore(), sessionId, options);
  }

  async getSlowestSpans(traceId: string, options: SlowestSpansOptions = {}): Promise<SlowSpan[]> {
    return slowestSpansIn(await this.readStore(), traceId, options);
  }

  async getErrorGroups(options: ErrorGroupsOptions = {}): Promise<ErrorGroup[]> {
    return errorGroupsIn(await this.readStore(), options);
  }

  private async readStore(): Promise<TraceStore> {
    return this.store ?? readableStore();
  }
}

/** A page of `searchTraces`. */
export interface SearchTracesResult {
  traces: Trace[];
  /** Present when more traces match: pass it as `pageToken` for the next page. */
  nextPageToken?: string;
}

function endOptions(o: Omit<ClientEndSpanOptions, 'traceId' | 'spanId'>): EndSpanOptions {
  return { outputs: o.outputs, attributes: o.attributes, status: o.status, endTimeNs: o.endTimeNs };
}

/** The first configured destination that can read traces back, after flushing pending traces. */
export async function readableStore(): Promise<TraceStore> {
  await ensurePipeline().flush();
  const store = currentDestinations().find(
    (d): d is TraceStore => typeof (d as TraceStore).getTrace === 'function',
  );
  if (!store) {
    throw new AutologError(
      'NOT_SUPPORTED',
      `none of the configured destinations (${currentDestinations()
        .map((d) => d.name)
        .join(', ')}) can read traces back; add the local store or memory destination.`,
    );
  }
  return store;
}

/** Reads a finished trace back whole from the configured store (waits for pending exports first). */
export async function getTrace(traceId: string): Promise<Trace | null> {
  return new TracingClient().getTrace(traceId);
}
