import { nowNs } from './clock.js';
import { diag } from './diag.js';
import { newSpanId } from './ids.js';
import { namedInputs, type ParamInfo } from './param-names.js';
import { toJsonSafe } from './serialize.js';
import { settings } from './settings.js';
import type { TraceBuffer } from './trace-buffer.js';
import type { SpanData, SpanEvent, SpanStatus, SpanStatusCode, SpanTypeName } from './types.js';

export interface EndSpanOptions {
  outputs?: unknown;
  attributes?: Record<string, unknown>;
  status?: SpanStatus | SpanStatusCode;
  /** Epoch nanoseconds; defaults to now. */
  endTimeNs?: number;
}

/** True for a value a snapshot keeps as it is: a boolean, null, a finite number other than -0, a string within the cap. */
function keptAsIs(value: unknown, maxStringLength: number): boolean {
  switch (typeof value) {
    case 'boolean':
      return true;
    case 'string':
      return value.length <= maxStringLength;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    default:
      return value === null;
  }
}

/**
 * True when a call's arguments can be kept as they came: each one a value `keptAsIs`, no rest
 * parameter (that becomes an array of its own), and the named object within the size caps.
 */
function argsKeptAsIs(
  params: ParamInfo,
  args: readonly unknown[],
  caps: { maxItems: number; maxLength: number; maxStringLength: number },
): boolean {
  const count = args.length;
  if (count > caps.maxItems || (params.restIndex >= 0 && count > params.restIndex)) return false;
  let size = 2;
  for (let i = 0; i < count; i++) {
    const value = args[i];
    if (!keptAsIs(value, caps.maxStringLength)) return false;
    // Room for the value's JSON (a string's length and quotes; at most 24 for a number) and its name.
    size += (typeof value === 'string' ? value.length + 2 : 24) + (params.names[i]?.length ?? 8) + 4;
  }
  return size <= caps.maxLength;
}

/** A JSON-safe snapshot, so later mutation by the app does not change what was recorded. */
function snapshot(value: unknown): unknown {
  if (value === undefined) return value;
  const caps = settings().serialize;
  return keptAsIs(value, caps.maxStringLength) ? value : toJsonSafe(value, caps);
}

/** Statuses without a message, shared by every span (frozen): a span keeps no object of its own for them. */
const PLAIN_STATUS: Readonly<Record<SpanStatusCode, SpanStatus>> = {
  UNSET: Object.freeze({ code: 'UNSET' }),
  OK: Object.freeze({ code: 'OK' }),
  ERROR: Object.freeze({ code: 'ERROR' }),
};

function toStatus(status: SpanStatus | SpanStatusCode): SpanStatus {
  return typeof status === 'string' ? (PLAIN_STATUS[status] ?? { code: status }) : status;
}

/**
 * A span being recorded. Methods only record (no I/O, no serialisation to text) and never
 * throw; after `end()` further changes are ignored.
 */
export class LiveSpan {
  readonly parentId: string | null;
  name: string;
  spanType: SpanTypeName;
  readonly startTimeNs: number;
  endTimeNs: number | null = null;
  status: SpanStatus = PLAIN_STATUS.UNSET;
  private inputValue: unknown = undefined;
  /** A traced call's arguments, named when the inputs are first read (see `setOwnArgs`). */
  private args: readonly unknown[] | undefined = undefined;
  private params: ParamInfo | undefined = undefined;
  outputs: unknown = undefined;
  private attrs: Record<string, unknown> | undefined = undefined;
  events: SpanEvent[] | undefined = undefined;
  /** @internal */
  readonly buffer: TraceBuffer;
  private id: string | undefined;
  /** Fills the span in after it ended (see `endThenComplete`); run once, before it is exported. */
  private completion: ((span: LiveSpan) => void) | undefined = undefined;

  /** `spanId` undefined: made when first read (a span nobody asks about gets it at export). */
  constructor(
    buffer: TraceBuffer,
    spanId: string | undefined,
    parentId: string | null,
    name: string,
    spanType: SpanTypeName,
    startTimeNs?: number,
  ) {
    this.buffer = buffer;
    this.id = spanId;
    this.parentId = parentId;
    this.name = name;
    this.spanType = spanType;
    this.startTimeNs = startTimeNs ?? nowNs();
  }

  /** The MLflow trace id (`tr-…`) of the span's trace. */
  get traceId(): string {
    return this.buffer.traceId;
  }
  /** 16 hex characters. */
  get spanId(): string {
    if (this.id === undefined) this.id = newSpanId();
    return this.id;
  }
  /** The span's attributes (the object is made on first use: most spans of a traced function have none). */
  get attributes(): Record<string, unknown> {
    if (this.attrs === undefined) this.attrs = {};
    return this.attrs;
  }
  get isRecording(): boolean {
    return true;
  }
  get ended(): boolean {
    return this.endTimeNs !== null;
  }
  /** @internal The OpenTelemetry trace id (32 hex). */
  get otelTraceId(): string {
    return this.buffer.otelTraceId;
  }
  /** The inputs as recorded. */
  get inputs(): unknown {
    if (this.args !== undefined) {
      this.inputValue = namedInputs(this.params as ParamInfo, this.args);
      this.args = undefined;
      this.params = undefined;
    }
    return this.inputValue;
  }

  setInputs(inputs: unknown): this {
    if (this.endTimeNs === null && settings().captureContent) {
      this.args = undefined;
      this.params = undefined;
      this.inputValue = snapshot(inputs);
    }
    return this;
  }

  /**
   * @internal A traced call's arguments as its inputs, named by `params`. When every value is one
   * JSON keeps as it is, within the size caps, the arguments are kept as they came (the wrapper's
   * own array: nobody else holds it, and such values cannot change) and named when the inputs are
   * first read, at export at the latest. Otherwise they are named and copied now, as `setInputs`.
   */
  setOwnArgs(params: ParamInfo, args: readonly unknown[]): this {
    if (this.endTimeNs !== null || !settings().captureContent) return this;
    if (!argsKeptAsIs(params, args, settings().serialize)) return this.setInputs(namedInputs(params, args));
    this.inputValue = undefined;
    this.args = args;
    this.params = params;
    return this;
  }

  setOutputs(outputs: unknown): this {
    if (this.endTimeNs === null && settings().captureContent) this.outputs = snapshot(outputs);
    return this;
  }

  setAttribute(key: string, value: unknown): this {
    if (this.endTimeNs === null) this.attributes[key] = snapshot(value);
    return this;
  }

  setAttributes(attributes: Record<string, unknown> | undefined): this {
    if (!attributes || this.endTimeNs !== null) return this;
    for (const key of Object.keys(attributes)) this.attributes[key] = snapshot(attributes[key]);
    return this;
  }

  setSpanType(spanType: SpanTypeName): this {
    if (this.endTimeNs === null) this.spanType = spanType;
    return this;
  }

  addEvent(name: string, attributes: Record<string, unknown> = {}, timeNs?: number): this {
    if (this.endTimeNs !== null) return this;
    const event: SpanEvent = {
      name,
      timeNs: timeNs ?? nowNs(),
      attributes: snapshot(attributes) as Record<string, unknown>,
    };
    (this.events ??= []).push(event);
    return this;
  }

  /** Adds an `exception` event (type, message, stack) and sets the status to ERROR. */
  recordException(error: unknown): this {
    if (this.endTimeNs !== null) return this;
    const info = describeException(error);
    this.addEvent('exception', {
      'exception.type': info.type,
      'exception.message': info.message,
      ...(info.stack ? { 'exception.stacktrace': info.stack } : {}),
    });
    this.status = { code: 'ERROR', message: info.message ? `${info.type}: ${info.message}` : info.type };
    return this;
  }

  setStatus(status: SpanStatus | SpanStatusCode, message?: string): this {
    if (this.endTimeNs !== null) return this;
    this.status = toStatus(status);
    if (message !== undefined) this.status = { code: this.status.code, message };
    return this;
  }

  /** Ends the span once; later calls are ignored. */
  end(options?: EndSpanOptions): void {
    if (this.endTimeNs !== null) {
      diag.once(
        'debug',
        `end-twice:${this.spanId}`,
        `span "${this.name}" ended more than once; later end() ignored`,
      );
      return;
    }
    if (options) {
      if (options.outputs !== undefined) this.setOutputs(options.outputs);
      if (options.attributes) this.setAttributes(options.attributes);
      if (options.status) this.status = toStatus(options.status);
    }
    if (this.status.code === 'UNSET') this.status = PLAIN_STATUS.OK;
    this.endTimeNs = options?.endTimeNs ?? nowNs();
    this.buffer.spanEnded(this);
  }

  /**
   * @internal Ends the span now and fills it in later, once, before it is exported: the caller's
   * path pays only for ending it. `complete` records outputs and attributes as if before `end()`
   * and must not end the span; it may only read what nothing else can change in the meantime
   * (what the integration built itself). If it throws, the span is exported without them.
   */
  endThenComplete(complete: (span: LiveSpan) => void, options?: EndSpanOptions): void {
    if (this.endTimeNs === null) this.completion = complete;
    this.end(options);
  }

  private complete(complete: (span: LiveSpan) => void): void {
    this.completion = undefined;
    const endTimeNs = this.endTimeNs;
    // The setters record only before the end: open the span for the moment.
    this.endTimeNs = null;
    try {
      complete(this);
    } catch (err) {
      diag.once('error', 'span-completion', `could not complete span "${this.name}": ${String(err)}`);
    } finally {
      this.endTimeNs = endTimeNs;
    }
  }

  /**
   * The span as plain data for export, after its completion (`endThenComplete`) if it has one.
   * Shares the span's containers: an ended span never changes them again (every setter is a no-op
   * after `end()`, and the completion has run), so no copy is needed. The status is the exception:
   * a span without a message shares a frozen one, so the record gets its own copy.
   */
  toData(): SpanData {
    if (this.completion !== undefined) this.complete(this.completion);
    const status = this.status;
    const data: SpanData = {
      traceId: this.traceId,
      spanId: this.spanId,
      parentId: this.parentId,
      name: this.name,
      spanType: this.spanType,
      startTimeNs: this.startTimeNs,
      endTimeNs: this.endTimeNs,
      status:
        status.message === undefined ? { code: status.code } : { code: status.code, message: status.message },
      attributes: this.attributes,
      events: this.events ?? [],
    };
    const inputs = this.inputs;
    if (inputs !== undefined) data.inputs = inputs;
    if (this.outputs !== undefined) data.outputs = this.outputs;
    return data;
  }
}

/** Stands in for a span that is not recorded (sampled out, or tracing disabled); every method is a no-op. */
export class NonRecordingSpan extends LiveSpan {
  override get isRecording(): boolean {
    return false;
  }
  override setInputs(): this {
    return this;
  }
  override setOwnArgs(): this {
    return this;
  }
  override endThenComplete(): void {
    this.end();
  }
  override setOutputs(): this {
    return this;
  }
  override setAttribute(): this {
    return this;
  }
  override setAttributes(): this {
    return this;
  }
  override addEvent(): this {
    return this;
  }
  override recordException(): this {
    return this;
  }
  override end(): void {
    if (this.endTimeNs === null) this.endTimeNs = 0;
  }
}

export function describeException(error: unknown): { type: string; message: string; stack?: string } {
  try {
    if (error instanceof Error) {
      const type = error.name && error.name !== 'Error' ? error.name : error.constructor?.name || 'Error';
      return {
        type,
        message: String(error.message ?? ''),
        stack: typeof error.stack === 'string' ? error.stack : undefined,
      };
    }
    if (error && typeof error === 'object') {
      const e = error as { name?: unknown; message?: unknown };
      return {
        type: typeof e.name === 'string' ? e.name : 'Error',
        message: typeof e.message === 'string' ? e.message : String(toJsonSafe(error)),
      };
    }
    return { type: typeof error, message: String(error) };
  } catch {
    return { type: 'Error', message: '[unreadable error]' };
  }
}
