import { join, resolve } from 'node:path';
import { describeDestination, destinationFromEnv, resolveDestination } from './destination-uri.js';
import type { DestinationStats } from './destination-worker.js';
import { diag } from './diag.js';
import { AutologError } from './errors.js';
import { DEFAULT_PIPELINE_OPTIONS, ExportPipeline } from './pipeline.js';
import type { SerializeOptions } from './serialize.js';
import { resolveSerializeOptions } from './serialize.js';
import { defaultSettings, envFlag, type RedactHook, replaceSettings } from './settings.js';
import { SpoolFile } from './spool/spool-file.js';
import { writerNiceProblem } from './store/background-writer.js';
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
  /**
   * Most finished traces waiting in memory per destination (default 10,000). Past it (or past
   * `maxQueueBytes`) the oldest are written to the spool file (network destinations) or dropped
   * and counted (other destinations). Env: `AUTOLOG_MAX_QUEUE_TRACES`.
   */
  maxQueueTraces?: number;
  /** Most bytes (JSON size) of traces waiting in memory per destination (default 64 MiB). Env: `AUTOLOG_MAX_QUEUE_BYTES`. */
  maxQueueBytes?: number;
  /**
   * The spool file where traces a network destination (MLflow, Databricks, OTLP) cannot take in
   * time wait until it is reachable, also across restarts: a path, or `false` for none
   * (overflow is then dropped and counted). Default `./.autolog/spool.db`, created only when
   * needed. Env: `AUTOLOG_SPOOL` (a path, or `off`).
   */
  spool?: string | false;
  /** Largest total size of the spool file's traces; past it the oldest are dropped and counted (default 256 MiB). Env: `AUTOLOG_SPOOL_MAX_BYTES`. */
  maxSpoolBytes?: number;
  /**
   * Attempts per export batch before it is spooled (network destinations) or dropped and
   * counted (default 5). A destination that is down then gets one attempt per batch.
   */
  maxExportAttempts?: number;
  /** Backoff between attempts: exponential from `initial` (default 200 ms) up to `max` (default 10 s), with jitter; a server's `Retry-After` wins. */
  retryDelayMs?: { initial?: number; max?: number };
  /** How long a trace whose root ended waits for open child spans, in ms (default 30,000). */
  openSpanGraceMs?: number;
  /** Do not log where traces go (default false). */
  silent?: boolean;
}

const KNOWN = new Set<string>([
  'destination',
  'experimentId',
  'experimentName',
  'captureContent',
  'redact',
  'scrubSecrets',
  'sampleRate',
  'serialize',
  'maxQueueTraces',
  'maxQueueBytes',
  'spool',
  'maxSpoolBytes',
  'maxExportAttempts',
  'retryDelayMs',
  'openSpanGraceMs',
  'silent',
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
  if (!ok)
    throw new AutologError(
      'INVALID_OPTION',
      `init option "${option}" must be ${expected}; got ${JSON.stringify(got) ?? typeof got}.`,
    );
}

/** `options[key]` is absent or of the JavaScript type `type`. */
function checkType(
  options: InitOptions,
  key: keyof InitOptions,
  type: 'boolean' | 'string' | 'function',
  expected: string,
): void {
  const value = options[key];
  check(value === undefined || typeof value === type, key, expected, value);
}

function positiveInt(options: InitOptions, key: keyof InitOptions, env?: string): number | undefined {
  const raw = options[key] ?? (env && process.env[env] ? Number(process.env[env]) : undefined);
  const name = options[key] === undefined && env ? `${key} (${env})` : key;
  if (raw !== undefined)
    check(
      Number.isInteger(raw) && (raw as number) > 0,
      name,
      'a positive integer',
      options[key] ?? process.env[env!],
    );
  return raw as number | undefined;
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
  for (const key of Object.keys(options))
    if (!KNOWN.has(key)) diag.warn(`init: unknown option "${key}" ignored`);
  checkType(options, 'captureContent', 'boolean', 'a boolean');
  checkType(options, 'scrubSecrets', 'boolean', 'a boolean');
  checkType(options, 'redact', 'function', 'a function (span) => span');
  const envRate = process.env.AUTOLOG_SAMPLE_RATE;
  const sampleRate = options.sampleRate ?? (envRate ? Number(envRate) : 1);
  check(
    typeof sampleRate === 'number' && sampleRate >= 0 && sampleRate <= 1,
    options.sampleRate === undefined ? 'sampleRate (AUTOLOG_SAMPLE_RATE)' : 'sampleRate',
    'a number from 0 to 1',
    options.sampleRate ?? envRate,
  );
  checkType(options, 'experimentId', 'string', 'a string');
  checkType(options, 'experimentName', 'string', 'a string');
  check(
    options.serialize === undefined || (typeof options.serialize === 'object' && options.serialize !== null),
    'serialize',
    'an object',
    options.serialize,
  );
  const nice = writerNiceProblem();
  if (nice) throw new AutologError('INVALID_OPTION', nice);
  const maxQueueTraces = positiveInt(options, 'maxQueueTraces', 'AUTOLOG_MAX_QUEUE_TRACES');
  const maxQueueBytes = positiveInt(options, 'maxQueueBytes', 'AUTOLOG_MAX_QUEUE_BYTES');
  const maxSpoolBytes = positiveInt(options, 'maxSpoolBytes', 'AUTOLOG_SPOOL_MAX_BYTES');
  positiveInt(options, 'maxExportAttempts');
  const delays = options.retryDelayMs;
  check(
    delays === undefined ||
      (typeof delays === 'object' &&
        delays !== null &&
        [delays.initial, delays.max].every((v) => v === undefined || (typeof v === 'number' && v >= 0))),
    'retryDelayMs',
    '{ initial?, max? } with numbers ≥ 0',
    delays,
  );
  check(
    options.spool === undefined ||
      options.spool === false ||
      (typeof options.spool === 'string' && options.spool !== ''),
    'spool',
    'a file path or false',
    options.spool,
  );
  check(
    options.openSpanGraceMs === undefined ||
      (typeof options.openSpanGraceMs === 'number' && options.openSpanGraceMs >= 0),
    'openSpanGraceMs',
    'a number ≥ 0',
    options.openSpanGraceMs,
  );

  const experimentId = options.experimentId ?? process.env.MLFLOW_EXPERIMENT_ID;
  const experimentName = options.experimentName ?? process.env.MLFLOW_EXPERIMENT_NAME;
  const specs = options.destination ?? destinationFromEnv();
  const list =
    specs === undefined ? [process.env.AUTOLOG_STORE ?? 'sqlite://'] : Array.isArray(specs) ? specs : [specs];
  if (!list.length)
    throw new AutologError(
      'INVALID_DESTINATION',
      'init option "destination" is an empty array; give at least one destination.',
    );
  const destinations = list.map((spec) => resolveDestination(spec, { experimentId, experimentName }));
  const spool = spoolFor(options.spool, maxSpoolBytes);
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
    maxQueueTraces: maxQueueTraces ?? DEFAULT_PIPELINE_OPTIONS.maxQueueTraces,
    maxQueueBytes: maxQueueBytes ?? DEFAULT_PIPELINE_OPTIONS.maxQueueBytes,
    maxAttempts: options.maxExportAttempts ?? DEFAULT_PIPELINE_OPTIONS.maxAttempts,
    baseBackoffMs: options.retryDelayMs?.initial ?? DEFAULT_PIPELINE_OPTIONS.baseBackoffMs,
    maxBackoffMs: options.retryDelayMs?.max ?? DEFAULT_PIPELINE_OPTIONS.maxBackoffMs,
    spool,
  });
  if (previous) void previous.shutdown(5_000);
  installExitHooks();
  if (!options.silent)
    diag.info(
      `tracing to ${destinations.map(describeDestination).join(', ')} (experiment ${resolvedExperiment})`,
    );
  return { destinations, experimentId: resolvedExperiment };
}

/** The pipeline, set up from the environment on first use when `init` was not called. */
export function ensurePipeline(): ExportPipeline {
  if (runtime.pipeline) return runtime.pipeline;
  try {
    init();
  } catch (err) {
    diag.error(
      `tracing is not configured correctly, traces go to memory only: ${err instanceof Error ? err.message : String(err)}`,
    );
    runtime.pipeline = new ExportPipeline([resolveDestination('memory', {})], {
      ...DEFAULT_PIPELINE_OPTIONS,
      experimentId: '0',
    });
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

/** Abandons what is still in flight (it was spooled) so a hung request cannot hold the exit. */
function abandon(p: ExportPipeline): void {
  p.spillPending();
  for (const d of p.destinations) {
    try {
      void Promise.resolve(d.shutdown?.()).catch(() => undefined);
    } catch {
      // shutting down is best effort here
    }
  }
}

/**
 * Flush on normal exit and on SIGTERM/SIGINT, within a bounded time. What a network
 * destination did not take by then is written to the spool file (synchronously) and
 * delivered by the next run.
 */
function installExitHooks(): void {
  if (runtime.hooksInstalled) return;
  runtime.hooksInstalled = true;
  let deadline: number | undefined;
  let guard: NodeJS.Timeout | undefined;
  process.on('beforeExit', () => {
    // Traces whose root ended but whose children are still open would wait on an unref'd timer.
    finishOpenTraces(true);
    const p = runtime.pipeline;
    if (!p) return;
    const now = Date.now();
    if (deadline === undefined) {
      deadline = now + SIGNAL_FLUSH_MS;
      p.beginExit();
    }
    if (p.hasPending() && now < deadline) {
      const left = deadline - now;
      guard ??= setTimeout(() => abandon(p), left);
      void p.flush(left).then(() => {
        if (!p.hasPending() && guard) {
          clearTimeout(guard);
          guard = undefined;
        }
      });
    } else {
      if (guard) clearTimeout(guard);
      guard = undefined;
      p.drainNow(false);
      p.spillPending();
    }
  });
  // Last chance, synchronous: the local store still gets the traces, network destinations' go to the spool.
  process.on('exit', () => {
    finishOpenTraces();
    // Hands everything over and waits (bounded) for the local store's writer thread.
    runtime.pipeline?.flushSync(SIGNAL_FLUSH_MS);
    runtime.pipeline?.spillPending();
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const onSignal = () => {
      // When we alone listen, the process ends after the flush: nothing open may be left behind.
      const alone = process.listenerCount(signal) === 1;
      if (alone) finishOpenTraces();
      const p = runtime.pipeline;
      if (alone) p?.beginExit();
      const done = p ? p.flush(SIGNAL_FLUSH_MS) : Promise.resolve(true);
      // Export sockets do not hold the process open: this timer does, for the bounded flush.
      const keepAlive = setTimeout(() => undefined, SIGNAL_FLUSH_MS + 1_000);
      void done.finally(() => {
        clearTimeout(keepAlive);
        // Only re-raise when we were the only listener: then the default (exit) is what the app had.
        if (process.listenerCount(signal) === 0) {
          if (p) abandon(p);
          process.kill(process.pid, signal);
        }
      });
      process.removeListener(signal, onSignal);
    };
    process.on(signal, onSignal);
  }
}

const spools = new Map<string, SpoolFile>();

/** The spool file for the option / `AUTOLOG_SPOOL` (one instance per path in the process). */
function spoolFor(option: string | false | undefined, maxBytes: number | undefined): SpoolFile | undefined {
  const env = process.env.AUTOLOG_SPOOL;
  if (option === false || (option === undefined && env && /^(off|false|0|no|none)$/i.test(env.trim())))
    return undefined;
  const path = resolve(option ?? (env || join('.autolog', 'spool.db')));
  let spool = spools.get(path);
  if (!spool) spools.set(path, (spool = new SpoolFile(path, { maxBytes: maxBytes ?? 256 * 1024 * 1024 })));
  return spool;
}
