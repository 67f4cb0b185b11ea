import { diag } from './diag.js';
import { toMlflowTraceId } from './ids.js';
import type { LiveSpan } from './live-span.js';
import type { TraceState } from './types.js';

/** Receives traces whose spans have all ended (set by the pipeline). */
type FinishHandler = (buffer: TraceBuffer) => void;

const KEY = Symbol.for('autolog.core.traces');
interface Registry {
  open: Map<string, TraceBuffer>;
  onFinish: FinishHandler;
  lastTraceId: string | undefined;
}
const g = globalThis as unknown as Record<symbol, Registry | undefined>;
const registry: Registry =
  g[KEY] ?? (g[KEY] = { open: new Map(), onFinish: () => undefined, lastTraceId: undefined });

export function setFinishHandler(handler: FinishHandler): void {
  registry.onFinish = handler;
}

/** An open trace, by MLflow id (`tr-…`). */
export function findOpenTrace(traceId: string): TraceBuffer | undefined {
  return registry.open.get(traceId);
}

export function openTraces(): IterableIterator<TraceBuffer> {
  return registry.open.values();
}

/** Finishes every open trace now (process exit): open spans are ended and marked unfinished. */
export function finishOpenTraces(onlyRootEnded = false): void {
  for (const buffer of [...registry.open.values()]) {
    if (!onlyRootEnded || buffer.root?.endTimeNs != null) buffer.finish();
  }
}

export function lastFinishedTraceId(): string | undefined {
  return registry.lastTraceId;
}

/**
 * The spans of one trace while it is recorded, plus trace-level settings from
 * `updateCurrentTrace` / `tracingContext`. Becomes a trace record once the root span and every
 * other span have ended (or the grace period for stragglers runs out).
 */
export class TraceBuffer {
  readonly traceId: string;
  readonly otelTraceId: string;
  readonly spans: LiveSpan[] = [];
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
  private graceTimer: NodeJS.Timeout | undefined;
  private readonly graceMs: number;

  /**
   * `traceId` differs from `tr-<otelTraceId>` when several Autolog traces start inside one
   * OpenTelemetry trace of the app. `recording: false` makes a stand-in that is never registered nor exported. */
  constructor(
    otelTraceId: string,
    graceMs: number,
    recording = true,
    traceId = toMlflowTraceId(otelTraceId),
  ) {
    this.otelTraceId = otelTraceId;
    this.traceId = traceId;
    this.graceMs = graceMs;
    if (recording) registry.open.set(this.traceId, this);
    else this.finished = true;
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
    if (!this.root) this.root = span;
    this.spans.push(span);
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
      this.graceTimer = setTimeout(() => this.finish(), this.graceMs);
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
    registry.open.delete(this.traceId);
    registry.lastTraceId = this.traceId;
    try {
      registry.onFinish(this);
    } catch (err) {
      diag.once('error', 'finish-handler', `could not queue a finished trace: ${String(err)}`);
    }
  }
}
