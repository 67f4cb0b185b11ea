import {
  applyInFrame,
  contextTracked,
  currentFrame,
  type Frame,
  frameWithSpan,
  runInFrame,
} from './context.js';
import { describeError, diag } from './diag.js';
import type { LiveSpan } from './live-span.js';
import { type ParamInfo, paramNames } from './param-names.js';
import { settings } from './settings.js';
import { lastFinishedTraceId } from './trace-buffer.js';
import { type CreateSpanOptions, createSpan, NOOP_SPAN } from './tracer.js';
import { SpanType, type SpanTypeName, type TraceState } from './types.js';

export interface TraceOptions {
  /** Span name; defaults to the function's (or method's) name. */
  name?: string;
  /** Defaults to `UNKNOWN`. */
  spanType?: SpanTypeName;
  attributes?: Record<string, unknown>;
}

type AnyFunction = (this: any, ...args: any[]) => any;

/**
 * Traces a function: each call records a span with the arguments (named by parameter) as
 * inputs and the return value as outputs. Errors are recorded and rethrown unchanged. Works
 * for sync, async, generator and async-generator functions. Called with options only, it is a
 * method decorator.
 *
 * @example
 * const answer = trace(async (question: string) => llm(question), { name: 'answer', spanType: 'CHAIN' });
 * class Agent { @trace({ spanType: 'AGENT' }) async run(task: string) { … } }
 */
export function trace<F extends AnyFunction>(fn: F, options?: TraceOptions): F;
export function trace(
  options?: TraceOptions,
): <F extends AnyFunction>(value: F, context?: unknown, descriptor?: PropertyDescriptor) => any;
export function trace(fnOrOptions?: AnyFunction | TraceOptions, maybeOptions?: TraceOptions): any {
  if (typeof fnOrOptions === 'function') return wrapFunction(fnOrOptions, maybeOptions ?? {});
  const options = fnOrOptions ?? {};
  return function decorate(value: any, context?: any, descriptor?: PropertyDescriptor): any {
    // Legacy (experimentalDecorators) form: (prototype, key, descriptor).
    if (descriptor && typeof descriptor.value === 'function') {
      descriptor.value = wrapFunction(descriptor.value, {
        ...options,
        name: options.name ?? String(context),
      });
      return descriptor;
    }
    if (typeof value !== 'function' || (context && context.kind !== 'method')) {
      diag.once('warn', 'decorator-kind', '@trace decorates methods only; left unchanged');
      return value;
    }
    return wrapFunction(value, {
      ...options,
      name: options.name ?? (context ? String(context.name) : undefined),
    });
  };
}

type FnKind = 'plain' | 'generator' | 'asyncGenerator';

function kindOf(fn: Function): FnKind {
  const ctor = fn.constructor?.name;
  if (ctor === 'GeneratorFunction') return 'generator';
  if (ctor === 'AsyncGeneratorFunction') return 'asyncGenerator';
  return 'plain';
}

function wrapFunction<F extends AnyFunction>(fn: F, options: TraceOptions): F {
  const kind = kindOf(fn);
  const spanOptions: CreateSpanOptions = {
    name: options.name || fn.name || 'anonymous',
    spanType: options.spanType ?? SpanType.UNKNOWN,
    attributes: options.attributes,
  };
  const params = paramNames(fn);
  const traced =
    kind === 'plain' ? tracedCall(fn, spanOptions, params) : tracedGenerator(fn, spanOptions, params, kind);
  try {
    Object.defineProperty(traced, 'name', { value: fn.name, configurable: true });
    Object.defineProperty(traced, 'length', { value: fn.length, configurable: true });
  } catch {
    // name and length are cosmetic
  }
  return traced as unknown as F;
}

/** Starts the span of a traced call with its named arguments as inputs; undefined if tracing failed. */
function startCallSpan(
  spanOptions: CreateSpanOptions,
  params: ParamInfo,
  frame: Frame | undefined,
  args: unknown[],
): LiveSpan | undefined {
  try {
    const span = createSpan(spanOptions, frame);
    span.setOwnArgs(params, args);
    return span;
  } catch (err) {
    diag.once('error', 'trace-start', `tracing failed to start a span: ${describeError(err)}`);
    return undefined;
  }
}

/**
 * The wrapper of a plain (sync or async) function. It creates no closure: one that captured
 * `this` or the arguments would make V8 allocate a context for them on every call.
 */
function tracedCall(fn: AnyFunction, spanOptions: CreateSpanOptions, params: ParamInfo) {
  return function (this: unknown, ...args: unknown[]) {
    const frame = currentFrame();
    if (frame?.disabled) return fn.apply(this, args);
    const span = startCallSpan(spanOptions, params, frame, args);
    if (span === undefined) return fn.apply(this, args);
    let result: unknown;
    try {
      result = applyInFrame(frameWithSpan(frame, span), fn, this, args);
    } catch (err) {
      endWithError(span, err);
      throw err;
    }
    settle(span, result);
    return result;
  };
}

function tracedGenerator(
  fn: AnyFunction,
  spanOptions: CreateSpanOptions,
  params: ParamInfo,
  kind: 'generator' | 'asyncGenerator',
) {
  return function (this: unknown, ...args: unknown[]) {
    const frame = currentFrame();
    if (frame?.disabled) return fn.apply(this, args);
    const span = startCallSpan(spanOptions, params, frame, args);
    if (span === undefined) return fn.apply(this, args);
    const inner = frameWithSpan(frame, span);
    const iterator = runInFrame(inner, () => fn.apply(this, args));
    return kind === 'generator'
      ? wrapIterator(iterator, span, inner)
      : wrapAsyncIterator(iterator, span, inner);
  };
}

/**
 * What a span ending with a value records as its outputs: the value, the value unless outputs
 * were already set (`withSpan`, generators), or nothing (an integration whose content capture is off).
 */
type OutputsRule = 'value' | 'unlessSet' | 'none';

/**
 * Ends `span` with `result`: at once for plain values, when settled for a native promise (the
 * very same promise object goes back to the caller). Other thenables are not awaited, because
 * calling `then` on a lazy thenable (query builders) would run it twice.
 */
function settle(span: LiveSpan, result: unknown, outputs: OutputsRule = 'value'): void {
  if (result instanceof Promise) {
    result.then(
      (value) => endWithValue(span, value, outputs),
      (err) => endWithError(span, err),
    );
    return;
  }
  endWithValue(span, result, outputs);
}

function endWithValue(span: LiveSpan, value: unknown, outputs: OutputsRule): void {
  try {
    if (
      value !== undefined &&
      (outputs === 'value' || (outputs === 'unlessSet' && span.outputs === undefined))
    )
      span.setOutputs(value);
    span.end();
  } catch (err) {
    diag.once('error', 'trace-end', `tracing failed to end a span: ${describeError(err)}`);
  }
}

function endWithError(span: LiveSpan, error: unknown): void {
  try {
    span.recordException(error);
    span.end();
  } catch (err) {
    diag.once('error', 'trace-end', `tracing failed to end a span: ${describeError(err)}`);
  }
}

/** Keeps up to the serialiser's item cap of yielded values as the span's outputs. */
class YieldCollector {
  readonly values: unknown[] = [];
  extra = 0;
  add(value: unknown): void {
    if (this.values.length < settings().serialize.maxItems) this.values.push(value);
    else this.extra++;
  }
  finish(span: LiveSpan): void {
    if (this.extra) span.setAttribute('autolog.outputs.dropped_items', this.extra);
    endWithValue(span, this.values, 'unlessSet');
  }
}

function wrapIterator<T>(iterator: Iterator<T>, span: LiveSpan, frame: Frame): Iterator<T> & Iterable<T> {
  const collected = new YieldCollector();
  const step = (advance: () => IteratorResult<T>): IteratorResult<T> => {
    let result: IteratorResult<T>;
    try {
      result = runInFrame(frame, advance);
    } catch (err) {
      endWithError(span, err);
      throw err;
    }
    if (result.done) collected.finish(span);
    else collected.add(result.value);
    return result;
  };
  return {
    next: (value?: any) => step(() => iterator.next(value)),
    throw: (err?: any) => step(() => (iterator.throw ? iterator.throw(err) : (Promise.reject(err) as never))),
    return: (value?: any) => step(() => (iterator.return ? iterator.return(value) : { done: true, value })),
    [Symbol.iterator]() {
      return this;
    },
  };
}

function wrapAsyncIterator<T>(
  iterator: AsyncIterator<T>,
  span: LiveSpan,
  frame: Frame,
): AsyncIterator<T> & AsyncIterable<T> {
  const collected = new YieldCollector();
  const step = async (advance: () => Promise<IteratorResult<T>>): Promise<IteratorResult<T>> => {
    let result: IteratorResult<T>;
    try {
      result = await runInFrame(frame, advance);
    } catch (err) {
      endWithError(span, err);
      throw err;
    }
    if (result.done) collected.finish(span);
    else collected.add(result.value);
    return result;
  };
  return {
    next: (value?: any) => step(() => iterator.next(value)),
    throw: (err?: any) => step(() => (iterator.throw ? iterator.throw(err) : Promise.reject(err))),
    return: (value?: any) =>
      step(() => (iterator.return ? iterator.return(value) : Promise.resolve({ done: true, value }))),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

export interface WithSpanOptions {
  name: string;
  spanType?: SpanTypeName;
  inputs?: unknown;
  attributes?: Record<string, unknown>;
}

/**
 * Runs `fn` inside a new span (the current span while `fn` runs, so nested calls become
 * children). The span ends when `fn` returns or its promise settles; errors are recorded and
 * rethrown unchanged. The return value becomes the outputs unless `span.setOutputs` was called.
 *
 * @example
 * const docs = await withSpan(async (span) => { span.setInputs({ query }); return retrieve(query); }, { name: 'retrieve', spanType: 'RETRIEVER' });
 */
export function withSpan<T>(fn: (span: LiveSpan) => T, options: WithSpanOptions): T;
export function withSpan<T>(options: WithSpanOptions, fn: (span: LiveSpan) => T): T;
export function withSpan<T>(a: any, b: any): T {
  const [fn, options] = (typeof a === 'function' ? [a, b] : [b, a]) as [
    (span: LiveSpan) => T,
    WithSpanOptions,
  ];
  const frame = currentFrame();
  let span: LiveSpan;
  let inner: Frame;
  try {
    span = createSpan({ ...options, name: options?.name ?? 'span' }, frame);
    inner = frameWithSpan(frame, span);
  } catch (err) {
    diag.once('error', 'trace-start', `tracing failed to start a span: ${describeError(err)}`);
    return fn(NOOP_SPAN);
  }
  let result: T;
  try {
    result = runInFrame(inner, () => fn(span));
  } catch (err) {
    endWithError(span, err);
    throw err;
  }
  settle(span, result, 'unlessSet');
  return result;
}

export interface StartSpanOptions extends CreateSpanOptions {}

/**
 * Starts a span that is not made current; end it with `span.end({ outputs })`. Its parent is
 * `parent` when given, else the current span; `parent: null` starts a new trace.
 */
export function startSpan(options: StartSpanOptions): LiveSpan {
  try {
    return createSpan(options, currentFrame());
  } catch (err) {
    diag.once('error', 'trace-start', `tracing failed to start a span: ${describeError(err)}`);
    return NOOP_SPAN;
  }
}

/** The span that is current in this async context, if any. */
export function getCurrentActiveSpan(): LiveSpan | undefined {
  const span = currentFrame()?.span;
  return span?.isRecording && !span.ended ? span : undefined;
}

/** The id of the last trace that finished in this process. */
export function getLastActiveTraceId(): string | undefined {
  return lastFinishedTraceId();
}

export interface UpdateTraceOptions {
  tags?: Record<string, unknown>;
  /** Trace metadata, e.g. `{ 'mlflow.trace.user': userId, 'mlflow.trace.session': sessionId }`. */
  metadata?: Record<string, unknown>;
  clientRequestId?: string;
  requestPreview?: string;
  responsePreview?: string;
  state?: TraceState;
}

/** Updates the trace of the current span. Outside any trace it logs a warning once and does nothing. */
export function updateCurrentTrace(update: UpdateTraceOptions): void {
  try {
    const span = currentFrame()?.span;
    if (!span?.isRecording || span.buffer.finished) {
      if (!span?.buffer.finished)
        diag.once('warn', 'update-no-trace', 'updateCurrentTrace() was called outside of any trace; ignored');
      return;
    }
    const buffer = span.buffer;
    if (update.tags)
      for (const key of Object.keys(update.tags)) buffer.setTag(key, stringValue(update.tags[key]));
    if (update.metadata)
      for (const key of Object.keys(update.metadata))
        buffer.setMetadata(key, stringValue(update.metadata[key]));
    if (update.clientRequestId !== undefined) buffer.clientRequestId = String(update.clientRequestId);
    if (update.requestPreview !== undefined) buffer.requestPreview = String(update.requestPreview);
    if (update.responsePreview !== undefined) buffer.responsePreview = String(update.responsePreview);
    if (update.state !== undefined) buffer.state = update.state;
  } catch (err) {
    diag.once('error', 'update-trace', `updateCurrentTrace failed: ${describeError(err)}`);
  }
}

export interface TracingContextOptions {
  /** Metadata for every trace touched inside, e.g. user and session ids. */
  metadata?: Record<string, unknown>;
  tags?: Record<string, unknown>;
  /** `false` turns tracing off inside (including autolog); `true` turns it back on. */
  enabled?: boolean;
}

/**
 * Runs `fn` so that everything traced inside it, including by autolog integrations, carries
 * this metadata and these tags.
 *
 * @example
 * await tracingContext({ metadata: { 'mlflow.trace.user': userId, 'mlflow.trace.session': sessionId } }, () => chat(message));
 */
export function tracingContext<T>(options: TracingContextOptions, fn: () => T): T {
  let frame: Frame;
  try {
    const parent = currentFrame();
    frame = {
      span: parent?.span,
      metadata: merge(parent?.metadata, options.metadata),
      tags: merge(parent?.tags, options.tags),
      disabled: options.enabled === undefined ? parent?.disabled : !options.enabled,
    };
  } catch (err) {
    diag.once('error', 'tracing-context', `tracingContext failed: ${describeError(err)}`);
    return fn();
  }
  return runInFrame(frame, fn);
}

function merge(
  base: Readonly<Record<string, string>> | undefined,
  extra: Record<string, unknown> | undefined,
) {
  if (!extra) return base;
  const out: Record<string, string> = { ...base };
  for (const key of Object.keys(extra)) out[key] = stringValue(extra[key]);
  return out;
}

function stringValue(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  } catch {
    return String(value);
  }
}

/**
 * Runs `fn` with `span` as the current span (for integrations that start spans themselves and
 * call back into user code, e.g. a model call that may trigger traced tools).
 */
export function runInSpan<T>(span: LiveSpan, fn: () => T): T {
  if (!span.isRecording) return fn();
  return runInFrame(frameWithSpan(currentFrame(), span), fn);
}

/**
 * Runs `fn` (app code an integration calls, e.g. a tool function) with `span` current and ends
 * the span when `fn` returns, throws, or its promise settles: errors are recorded and rethrown
 * unchanged, the very same result goes back. `recordOutputs: false` keeps the value out of the span.
 */
export function runAndEnd<T>(span: LiveSpan, fn: () => T, recordOutputs = true): T {
  let result: T;
  try {
    result = runInSpan(span, fn);
  } catch (err) {
    endWithError(span, err);
    throw err;
  }
  settle(span, result, recordOutputs ? 'value' : 'none');
  return result;
}

/**
 * Runs a call that does not call back into app code (a model request) under `span`. The span is
 * made current only where that is free: once the process tracks async context anyway (a traced
 * function ran, or an OpenTelemetry context manager is registered, whose HTTP spans then nest
 * under it). An app that only autologs model calls so never switches on Node 20's async hooks,
 * which slow every promise in the process (≈ 1.3 ms on a 200-chunk streamed chat call over
 * loopback). A call that may run app code (a custom `fetch`, a token provider) uses `runInSpan`.
 */
export function runLeafInSpan<T>(span: LiveSpan, fn: () => T): T {
  return contextTracked() ? runInSpan(span, fn) : fn();
}

/** True when tracing is switched off in this async context (`tracingContext({ enabled: false })`). */
export function isTracingSuppressed(): boolean {
  return currentFrame()?.disabled === true;
}
