import { diag } from './diag.js';
import { describeDestination, destinationFromEnv, resolveDestination } from './destination-uri.js';
import type { DestinationStats } from './destination-worker.js';
import { AutologError } from './errors.js';
import { DEFAULT_PIPELINE_OPTIONS, ExportPipeline } from './pipeline.js';
import type { SerializeOptions } from './serialize.js';
import { resolveSerializeOptions } from './serialize.js';
import { defaultSettings, envFlag, replaceSettings, type RedactHook } from './settings.js';
import { LocalStore } from './store/index.js';
import { finishOpenTraces, setFinishHandler, type TraceBuffer } from './trace-buffer.js';
import type { Destination } from './types.js';

export interface InitOptions {
  /**
   * Where traces go: a `Destination`, an array of them, or a URI — a file path or
   * `sqlite:///path` (local store), `memory`, `console`. Default: `AUTOLOG_DESTINATION`,
   * `MLFLOW_TRACKING_URI`, `OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT`, `AUTOLOG_STORE`, then the
   * local store at `./.autolog/traces.db`.
   */
  destination?: string | Destination | Array<string | Destination>;
  /** Experiment by id (must exist in the store). Env: `MLFLOW_EXPERIMENT_ID`. */
  experimentId?: string;
  /** Experiment by name, created if missing. Env: `MLFLOW_EXPERIMENT_NAME`. */
  experimentName?: string;
  /** Record inputs and outputs (default true). Env: `AUTOLOG_CAPTURE_CONTENT=false`. */
  captureContent?: boolean;
  /** Edits or removes content of each span before it leaves the process; if it throws, the span's content is dropped. */
  redact?: RedactHook;
  /** Built-in scrubbing of API keys, bearer tokens and secret-named fields (default true). */
  scrubSecrets?: boolean;
  /** Fraction of traces recorded, decided at the root (default 1). Env: `AUTOLOG_SAMPLE_RATE`. */
  sampleRate?: number;
  /** Caps for recorded values (sizes, depth, items). */
  serialize?: SerializeOptions;
  /** Most finished traces queued per destination before the oldest are dropped (counted) (default 10,000). */
  maxQueueTraces?: number;
  /** Attempts per export batch before it is dropped (default 5). */
  maxExportAttempts?: number;
  /** How long a trace whose root ended waits for open child spans, in ms (default 30,000). */
  openSpanGraceMs?: number;
  /** Do not log where traces go (default false). */
  silent?: boolean;
}

const KNOWN = new Set<string>([
  'destination', 'experimentId', 'experimentName', 'captureContent', 'redact', 'scrubSecrets', 'sampleRate',
  'serialize', 'maxQueueTraces', 'maxExportAttempts', 'openSpanGraceMs', 'silent',
]);

interface Runtime {
  pipeline: ExportPipeline | undefined;
  hooksInstalled: boolean;
}
const KEY = Symbol.for('autolog.core.runtime');
const g = globalThis as unknown as Record<symbol, Runtime | undefined>;
const runtime: Runtime = g[KEY] ?? (g[KEY] = { pipeline: undefined, hooksInstalled: false });

setFinishHandler((buffer: TraceBuffer) => ensurePipeline().enqueue(buffer));

function check(ok: boolean, option: string, expected: string, got: unknown): void {
  if (!ok) throw new AutologError('INVALID_OPTION', `init option "${option}" must be ${expected}; got ${JSON.stringify(got) ?? typeof got}.`);
}

function positiveInt(options: InitOptions, key: keyof InitOptions): void {
  const v = options[key];
  if (v !== undefined) check(Number.isInteger(v) && (v as number) > 0, key, 'a positive integer', v);
}

/**
 * Configures tracing: where traces go, sampling, content capture and redaction. Optional — the
 * first trace without it uses the environment and the local store. Calling it again
 * reconfigures (the previous destinations are flushed and shut down). Throws `AutologError`
 * with a `code` on bad configuration.
 *
 * @example
 * init({ destination: 'sqlite:///var/traces.db', experimentName: 'chat-app' });
 */
export function init(options: InitOptions = {}): { destinations: Destination[]; experimentId: string } {
  check(typeof options === 'object' && options !== null, 'options', 'an object', options);
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) diag.warn(`init: unknown option "${key}" ignored`);
  check(options.captureContent === undefined || typeof options.captureContent === 'boolean', 'captureContent', 'a boolean', options.captureContent);
  check(options.scrubSecrets === undefined || typeof options.scrubSecrets === 'boolean', 'scrubSecrets', 'a boolean', options.scrubSecrets);
  check(options.redact === undefined || typeof options.redact === 'function', 'redact', 'a function (span) => span', options.redact);
  const envRate = process.env.AUTOLOG_SAMPLE_RATE;
  const sampleRate = options.sampleRate ?? (envRate ? Number(envRate) : 1);
  check(typeof sampleRate === 'number' && sampleRate >= 0 && sampleRate <= 1, options.sampleRate === undefined ? 'sampleRate (AUTOLOG_SAMPLE_RATE)' : 'sampleRate', 'a number from 0 to 1', options.sampleRate ?? envRate);
  check(options.experimentId === undefined || typeof options.experimentId === 'string', 'experimentId', 'a string', options.experimentId);
  check(options.experimentName === undefined || typeof options.experimentName === 'string', 'experimentName', 'a string', options.experimentName);
  check(options.serialize === undefined || (typeof options.serialize === 'object' && options.serialize !== null), 'serialize', 'an object', options.serialize);
  positiveInt(options, 'maxQueueTraces');
  positiveInt(options, 'maxExportAttempts');
  check(options.openSpanGraceMs === undefined || (typeof options.openSpanGraceMs === 'number' && options.openSpanGraceMs >= 0), 'openSpanGraceMs', 'a number ≥ 0', options.openSpanGraceMs);

  const experimentId = options.experimentId ?? process.env.MLFLOW_EXPERIMENT_ID;
  const experimentName = options.experimentName ?? process.env.MLFLOW_EXPERIMENT_NAME;
  const specs = options.destination ?? destinationFromEnv();
  const list = specs === undefined ? [process.env.AUTOLOG_STORE ?? 'sqlite://'] : Array.isArray(specs) ? specs : [specs];
  if (!list.length) throw new AutologError('INVALID_DESTINATION', 'init option "destination" is an empty array; give at least one destination.');
  const destinations = list.map((spec) => resolveDestination(spec, { experimentId, experimentName }));
  const store = destinations.find((d): d is LocalStore => d instanceof LocalStore);
  const resolvedExperiment = store ? store.resolveExperiment() : (experimentId ?? '0');

  const base = defaultSettings();
  replaceSettings({
    ...base,
    captureContent: options.captureContent ?? envFlag('AUTOLOG_CAPTURE_CONTENT', true),
    sampleRate,
    serialize: resolveSerializeOptions(options.serialize),
    redact: options.redact,
    scrubSecrets: options.scrubSecrets ?? true,
    openSpanGraceMs: options.openSpanGraceMs ?? base.openSpanGraceMs,
  });
  const previous = runtime.pipeline;
  runtime.pipeline = new ExportPipeline(destinations, {
    ...DEFAULT_PIPELINE_OPTIONS,
    experimentId: resolvedExperiment,
    maxQueueTraces: options.maxQueueTraces ?? DEFAULT_PIPELINE_OPTIONS.maxQueueTraces,
    maxAttempts: options.maxExportAttempts ?? DEFAULT_PIPELINE_OPTIONS.maxAttempts,
  });
  if (previous) void previous.shutdown(5_000);
  installExitHooks();
  if (!options.silent) diag.info(`tracing to ${destinations.map(describeDestination).join(', ')} (experiment ${resolvedExperiment})`);
  return { destinations, experimentId: resolvedExperiment };
}

/** The pipeline, set up from the environment on first use when `init` was not called. */
export function ensurePipeline(): ExportPipeline {
  if (runtime.pipeline) return runtime.pipeline;
  try {
    init();
  } catch (err) {
    diag.error(`tracing is not configured correctly, traces go to memory only: ${err instanceof Error ? err.message : String(err)}`);
    runtime.pipeline = new ExportPipeline([resolveDestination('memory', {})], { ...DEFAULT_PIPELINE_OPTIONS, experimentId: '0' });
  }
  return runtime.pipeline!;
}

/** The configured destinations (after `init`, or the defaults on first use). */
export function currentDestinations(): Destination[] {
  return ensurePipeline().destinations;
}

/**
 * Resolves when every finished trace has reached its destinations (or failed for good), at
 * most `timeoutMs`. Returns false on timeout.
 */
export function flushTraces(timeoutMs = 30_000): Promise<boolean> {
  return runtime.pipeline ? runtime.pipeline.flush(timeoutMs) : Promise.resolve(true);
}

/** Flushes, then closes the destinations. Tracing after this is not exported until `init` is called again. */
export async function shutdown(timeoutMs = 30_000): Promise<void> {
  const pipeline = runtime.pipeline;
  if (!pipeline) return;
  await pipeline.shutdown(timeoutMs);
  if (runtime.pipeline === pipeline) runtime.pipeline = undefined;
}

/** Per destination: traces exported, retried attempts, dropped, pending, last error. */
export function getExportStats(): DestinationStats[] {
  return runtime.pipeline ? runtime.pipeline.stats() : [];
}

const SIGNAL_FLUSH_MS = Number(process.env.AUTOLOG_SHUTDOWN_TIMEOUT_MS ?? 5_000);

/** Flush on normal exit and on SIGTERM/SIGINT, within a bounded time. */
function installExitHooks(): void {
  if (runtime.hooksInstalled) return;
  runtime.hooksInstalled = true;
  process.on('beforeExit', () => {
    // Traces whose root ended but whose children are still open would wait on an unref'd timer.
    finishOpenTraces(true);
    const p = runtime.pipeline;
    if (p && p.stats().some((s) => s.pending > 0)) void p.flush(SIGNAL_FLUSH_MS);
    else p?.drainNow(false);
  });
  // Last chance, synchronous: destinations that write synchronously (the local store) still get the traces.
  process.on('exit', () => {
    finishOpenTraces();
    runtime.pipeline?.drainNow(true);
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const onSignal = () => {
      // When we alone listen, the process ends after the flush: nothing open may be left behind.
      if (process.listenerCount(signal) === 1) finishOpenTraces();
      const p = runtime.pipeline;
      const done = p ? p.flush(SIGNAL_FLUSH_MS) : Promise.resolve(true);
      void done.finally(() => {
        // Only re-raise when we were the only listener: then the default (exit) is what the app had.
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
      process.removeListener(signal, onSignal);
    };
    process.on(signal, onSignal);
  }
}
