import { diag } from './diag.js';
import { newOtelTraceId, toMlflowTraceId } from './ids.js';
import type { LiveSpan } from './live-span.js';
import type { TraceState } from './types.js';

/** Receives traces whose spans have all ended (set by the pipeline). */
type FinishHandler = (buffer: TraceBuffer) => void;

const KEY = Symbol.for('autolog.core.traces.v3');
interface Registry {
  /**
   * Traces being recorded, each at its `openIndex` (removed by moving the last one into its
   * place: no hashing, and nothing allocated as traces come and go).
   */
  open: TraceBuffer[];
  /** Open traces by id, for those whose id exists yet (ids are made on first use). */
  byId: Map<string, TraceBuffer>;
  onFinish: FinishHandler;
  /** The trace that finished last, until it is exported; then its id. */
  lastFinished: TraceBuffer | string | undefined;
}
const g = globalThis as unknown as Record<symbol, Registry | undefined>;
const registry: Registry =
  g[KEY] ?? (g[KEY] = { open: [], byId: new Map(), onFinish: () => undefined, lastFinished: undefined });

export function setFinishHandler(handler: FinishHandler): void {
  registry.onFinish = handler;
}

/** An open trace, by MLflow id (`tr-…`). */
export function findOpenTrace(traceId: string): TraceBuffer | undefined {
  return registry.byId.get(traceId);
}

export function openTraces(): readonly TraceBuffer[] {
  return registry.open;
}

/** Finishes every open trace now (process exit): open spans are ended and marked unfinished. */
export function finishOpenTraces(onlyRootEnded = false): void {
  for (const buffer of registry.open.slice()) {
    if (!onlyRootEnded || buffer.root?.endTimeNs != null) buffer.finish();
  }
}

function removeOpen(buffer: TraceBuffer): void {
  const open = registry.open;
  const at = buffer.openIndex;
  if (at < 0 || open[at] !== buffer) return;
  const last = open.pop() as TraceBuffer;
  if (last !== buffer) {
    open[at] = last;
    last.openIndex = at;
  }
  buffer.openIndex = -1;
}

export function lastFinishedTraceId(): string | undefined {
  const last = registry.lastFinished;
  return typeof last === 'string' ? last : last?.traceId;
}

/** A finished trace has been turned into its record: the registry keeps at most its id. */
export function releaseFinished(buffer: TraceBuffer): void {
  if (registry.lastFinished === buffer) registry.lastFinished = buffer.traceId;
}

/** A timer's callback (no closure, so `spanEnded` allocates no context for `this` on every call). */
function finishTrace(buffer: TraceBuffer): void {
  buffer.finish();
}

/** The span list of a trace with no span yet (never added to: the root span replaces it). */
const EMPTY: LiveSpan[] = Object.freeze([]) as unknown as LiveSpan[];

/**
 * The spans of one trace while it is recorded, plus trace-level settings from
 * `updateCurrentTrace` / `tracingContext`. Becomes a trace record once the root span and every
 * other span have ended (or the grace period for stragglers runs out).
 */
export class TraceBuffer {
  /** In start order; made with the root span, sized to it (most traces have one span or few). */
  spans: LiveSpan[] = EMPTY;
  root: LiveSpan | undefined;
  openCount = 0;
  finished = false;
  tags: Record<string, string> | undefined;
  metadata: Record<string, string> | undefined;
  clientRequestId: string | undefined;
  requestPreview: string | undefined;
  responsePreview: string | undefined;
  state: TraceState | undefined;
  experimentId: string | undefined;
  private otelId: string | undefined;
  private id: string | undefined;
  /** @internal Where the trace is in the registry's open list while it is recorded. */
  openIndex = -1;
  private graceTimer: NodeJS.Timeout | undefined;
  private readonly graceMs: number;

  /**
   * `otelTraceId` undefined: a new trace, whose id is made when first read (a trace nobody asks
   * about gets its id when it is exported, off the traced call). `traceId` differs from
   * `tr-<otelTraceId>` when several Autolog traces start inside one OpenTelemetry trace of the
   * app. `recording: false` makes a stand-in that is never registered nor exported.
   */
  constructor(otelTraceId: string | undefined, graceMs: number, recording = true, traceId?: string) {
    this.otelId = otelTraceId;
    this.id = traceId;
    this.graceMs = graceMs;
    if (recording) {
      this.openIndex = registry.open.push(this) - 1;
      // An id given from outside can be looked up at once.
      if (otelTraceId !== undefined) registry.byId.set(this.traceId, this);
    } else this.finished = true;
  }

  /** The OpenTelemetry trace id (32 hex). */
  get otelTraceId(): string {
    if (this.otelId === undefined) {
      this.otelId = newOtelTraceId();
      this.id = toMlflowTraceId(this.otelId);
      if (!this.finished) registry.byId.set(this.id, this);
    }
    return this.otelId;
  }

  /** The MLflow trace id (`tr-…`). */
  get traceId(): string {
    if (this.id === undefined) this.id = toMlflowTraceId(this.otelTraceId);
    return this.id;
  }

  addSpan(span: LiveSpan): void {
    if (this.finished) {
      diag.once(
        'warn',
        `late-span:${this.traceId}`,
        `span "${span.name}" started after trace ${this.traceId} was exported; it is not recorded`,
      );
      return;
    }
    if (!this.root) {
      this.root = span;
      this.spans = [span];
    } else this.spans.push(span);
    this.openCount++;
  }

  findSpan(spanId: string): LiveSpan | undefined {
    for (let i = this.spans.length - 1; i >= 0; i--)
      if (this.spans[i].spanId === spanId) return this.spans[i];
    return undefined;
  }

  /** @internal Called by `LiveSpan.end`. */
  spanEnded(span: LiveSpan): void {
    if (this.finished) return;
    this.openCount--;
    if (!this.root || this.root.endTimeNs === null) return;
    if (this.openCount <= 0) {
      this.finish();
    } else if (span === this.root && this.graceMs >= 0) {
      // The root ended before some children: give them a bounded time to end.
      this.graceTimer = setTimeout(finishTrace, this.graceMs, this);
      this.graceTimer.unref?.();
    }
  }

  setTag(key: string, value: string): void {
    (this.tags ??= {})[key] = value;
  }

  setMetadata(key: string, value: string): void {
    (this.metadata ??= {})[key] = value;
  }

  /** Hands the trace to the pipeline now, ending any span still open (marked as such). */
  finish(): void {
    if (this.finished) return;
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.finished = true;
    if (this.openCount > 0) {
      for (const span of this.spans) {
        if (span.endTimeNs === null) {
          span.setAttribute('autolog.unfinished', true);
          span.setStatus('ERROR', 'span was still open when its trace was exported');
          span.end();
        }
      }
    }
    removeOpen(this);
    if (this.otelId !== undefined) registry.byId.delete(this.traceId);
    registry.lastFinished = this;
    try {
      registry.onFinish(this);
    } catch (err) {
      diag.once('error', 'finish-handler', `could not queue a finished trace: ${String(err)}`);
    }
  }
}
