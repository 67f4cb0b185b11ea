import { AsyncLocalStorage } from 'node:async_hooks';
import {
  createContextKey,
  context as otelContext,
  trace as otelTrace,
  ROOT_CONTEXT,
  TraceFlags,
} from '@opentelemetry/api';
import type { LiveSpan } from './live-span.js';

/**
 * What follows async code: the current span and the `tracingContext` settings.
 * Frames are immutable; a child frame copies its parent's settings by reference.
 */
export interface Frame {
  readonly span?: LiveSpan;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly tags?: Readonly<Record<string, string>>;
  readonly disabled?: boolean;
  /** A caller's span (W3C `traceparent`) that traces started here continue (`continueTrace`). */
  readonly remoteParent?: { readonly traceId: string; readonly spanId: string };
}

const STATE_KEY = Symbol.for('autolog.core.context');
/** `entered`: a frame has been made current in this process (Node's async context tracking is on). */
type ContextState = { als: AsyncLocalStorage<Frame>; entered?: boolean };
const g = globalThis as unknown as Record<symbol, ContextState | undefined>;
// One storage per process, even when two copies of the package are loaded.
const state: ContextState = g[STATE_KEY] ?? (g[STATE_KEY] = { als: new AsyncLocalStorage<Frame>() });
const als = state.als;

export function currentFrame(): Frame | undefined {
  return als.getStore();
}

export function runInFrame<T>(frame: Frame, fn: () => T): T {
  state.entered = true;
  if (!otelBridgeActive() || !frame.span?.isRecording) return als.run(frame, fn);
  return runBridged(frame, frame.span, fn);
}

/**
 * Runs `fn` with `frame` current and `span` the active OpenTelemetry span too, so spans the app
 * creates with its own OpenTelemetry SDK become its children. Apart from `runInFrame` so that
 * the closure made here costs nothing on the usual path.
 */
function runBridged<T>(frame: Frame, span: LiveSpan, fn: () => T): T {
  const otelSpan = otelTrace.wrapSpanContext({
    traceId: span.otelTraceId,
    spanId: span.spanId,
    traceFlags: TraceFlags.SAMPLED,
  });
  return otelContext.with(otelTrace.setSpan(otelContext.active(), otelSpan), () => als.run(frame, fn));
}

/**
 * `fn.apply(thisArg, args)` with `frame` current: as `runInFrame`, without a closure per call
 * (the storage passes the arguments on).
 */
export function applyInFrame<T>(
  frame: Frame,
  fn: (this: unknown, ...args: any[]) => T,
  thisArg: unknown,
  args: unknown[],
): T {
  state.entered = true;
  if (otelBridgeActive() && frame.span?.isRecording)
    return applyBridged(frame, frame.span, fn, thisArg, args);
  return als.run(frame, Reflect.apply as (f: typeof fn, t: unknown, a: unknown[]) => T, fn, thisArg, args);
}

function applyBridged<T>(
  frame: Frame,
  span: LiveSpan,
  fn: (this: unknown, ...args: any[]) => T,
  thisArg: unknown,
  args: unknown[],
): T {
  return runBridged(frame, span, () => fn.apply(thisArg, args));
}

/**
 * True when async context is already being tracked: Autolog has made a frame current in this
 * process, or the app runs an OpenTelemetry context manager. Until then Node 20 runs no async
 * hooks for Autolog: the first `AsyncLocalStorage.run` turns them on for every promise of the
 * process for good.
 */
export function contextTracked(): boolean {
  return state.entered === true || otelBridgeActive();
}

/** Builds a frame that keeps the surrounding `tracingContext` settings and sets a new span. */
export function frameWithSpan(parent: Frame | undefined, span: LiveSpan): Frame {
  if (!parent) return { span };
  return { span, metadata: parent.metadata, tags: parent.tags, disabled: parent.disabled };
}

// --- OpenTelemetry interop -------------------------------------------------------------------

const PROBE = createContextKey('autolog.otel-probe');
/**
 * Where `@opentelemetry/api` 1.x registers its globals, whichever copy of the package the app
 * loaded (the API's own key, `Symbol.for('opentelemetry.js.api.<major>')`).
 */
const OTEL_API_GLOBAL = Symbol.for('opentelemetry.js.api.1');
const otelGlobals = globalThis as unknown as Record<symbol, { context?: unknown } | undefined>;
let bridgeActive = false;
/** The global context manager the cached answer is about. */
let checkedManager: unknown;

function probe(): boolean {
  try {
    return otelContext.with(
      ROOT_CONTEXT.setValue(PROBE, true),
      () => otelContext.active().getValue(PROBE) === true,
    );
  } catch {
    return false;
  }
}

/**
 * True when the app registered an OpenTelemetry context manager. The answer is kept until the
 * registered manager changes, so registering or disabling one takes effect at once. The manager
 * is read straight from the API's global registration: two property reads per call, on the hot
 * path of every traced call.
 */
export function otelBridgeActive(): boolean {
  let manager: unknown;
  try {
    manager = otelGlobals[OTEL_API_GLOBAL]?.context;
  } catch {
    return false;
  }
  if (manager !== checkedManager) {
    checkedManager = manager;
    bridgeActive = manager !== undefined && probe();
  }
  return bridgeActive;
}

/** Forgets the cached probe result (tests that register and unregister providers). */
export function resetOtelBridge(): void {
  bridgeActive = false;
  checkedManager = undefined;
}

/** The parent of a new root: a caller's span (`continueTrace`), else the app's active OpenTelemetry span when the bridge is active. */
export function activeOtelParent(frame: Frame | undefined): { traceId: string; spanId: string } | undefined {
  const remote = frame?.remoteParent;
  if (remote) return remote;
  if (!otelBridgeActive()) return undefined;
  try {
    const sc = otelTrace.getSpanContext(otelContext.active());
    if (sc && otelTrace.isSpanContextValid(sc)) return { traceId: sc.traceId, spanId: sc.spanId };
  } catch {
    // fall through: no parent
  }
  return undefined;
}
