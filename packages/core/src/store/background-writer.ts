import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { diag } from '../diag.js';
import { envFlag } from '../settings.js';
import type { EncodedTrace } from './rows.js';

/** Most traces posted to the writer thread and not yet written before `write` waits for it. */
const MAX_BACKLOG = 5_000;

/** Default scheduling priority (nice) of the writer thread on Linux; `AUTOLOG_WRITER_NICE` sets 0–19. */
const DEFAULT_WRITER_NICE = 10;

/** What is wrong with `AUTOLOG_WRITER_NICE`, or undefined when it is unset or valid (checked by `init`). */
export function writerNiceProblem(
  raw: string | undefined = process.env.AUTOLOG_WRITER_NICE,
): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const nice = Number(raw);
  if (Number.isInteger(nice) && nice >= 0 && nice <= 19) return undefined;
  return (
    `AUTOLOG_WRITER_NICE must be an integer from 0 to 19 (the local store's writer thread priority ` +
    `on Linux; default ${DEFAULT_WRITER_NICE}); got ${JSON.stringify(raw)}.`
  );
}

function writerNice(): number {
  const raw = process.env.AUTOLOG_WRITER_NICE;
  const problem = writerNiceProblem(raw);
  // Reached without `init` (which would have thrown): warn and keep the default.
  if (problem) {
    diag.once('warn', 'writer-nice', `${problem} Using ${DEFAULT_WRITER_NICE}.`);
    return DEFAULT_WRITER_NICE;
  }
  return raw?.trim() ? Number(raw) : DEFAULT_WRITER_NICE;
}

/** Where the writer thread's entry is: next to this file in the sources, `store/` in the build. */
function workerEntry(): string | undefined {
  const here = import.meta.url;
  for (const candidate of ['./write-worker.ts', './store/write-worker.js', './write-worker.js']) {
    const path = fileURLToPath(new URL(candidate, here));
    if (existsSync(path) && !(candidate.endsWith('.ts') && !here.endsWith('.ts'))) return path;
  }
  return undefined;
}

function startWorker(entry: string, workerData: unknown): Worker {
  if (!entry.endsWith('.ts')) return new Worker(entry, { workerData });
  // Running from TypeScript sources (tests, tsx): let the thread load TypeScript through tsx.
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(`file://${entry}`)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

/**
 * Sends batches to a writer thread. `write` only posts (a structured clone of the batch, whose
 * spans are already JSON strings); the thread does the SQLite work. The process is never kept alive by it, and `waitSync` lets exit
 * handlers wait for the last writes.
 */
export class BackgroundWriter {
  private readonly worker: Worker;
  private readonly processed: Int32Array;
  private posted = 0;
  private failure: Error | undefined;
  /** Traces the thread could not write (already reported in the log). */
  failed = 0;

  private constructor(worker: Worker, counters: SharedArrayBuffer) {
    this.worker = worker;
    this.processed = new Int32Array(counters);
    worker.on('message', (message: { error?: string; count?: number }) => {
      if (message.error) {
        this.failed += message.count ?? 0;
        diag.error(`local store: ${message.count} trace(s) could not be written: ${message.error}`);
      }
    });
    worker.on('error', (err) => {
      this.failure = err;
      diag.error(`local store writer thread failed (${err.message}); writing on the main thread instead`);
    });
    // After the listeners: adding a listener would take a reference again.
    worker.unref();
  }

  /** Starts the writer thread; undefined when it cannot run here (then the caller writes itself). */
  static start(path: string, experimentId: string, busyTimeoutMs?: number): BackgroundWriter | undefined {
    const entry = workerEntry();
    if (!entry || path === ':memory:') return undefined;
    // From TypeScript sources the thread would compile the store on every start (seconds):
    // there it is opt-in (AUTOLOG_BACKGROUND_WRITES=1); from the build it is the default.
    if (!envFlag('AUTOLOG_BACKGROUND_WRITES', !entry.endsWith('.ts'))) return undefined;
    try {
      const counters = new SharedArrayBuffer(4);
      return new BackgroundWriter(
        startWorker(entry, { path, experimentId, busyTimeoutMs, counters, nice: writerNice() }),
        counters,
      );
    } catch (err) {
      diag.warn(`local store writer thread not started (${String(err)}); writing on the main thread`);
      return undefined;
    }
  }

  /** False once the thread has failed; the caller then writes on its own thread. */
  get usable(): boolean {
    return this.failure === undefined;
  }

  get backlog(): number {
    return this.posted - Atomics.load(this.processed, 0);
  }

  write(traces: readonly EncodedTrace[]): void {
    // A burst that outruns the thread waits for it instead of growing without bound.
    if (this.backlog > MAX_BACKLOG) this.waitSync(30_000, MAX_BACKLOG / 2);
    this.worker.postMessage({ traces });
    this.posted += traces.length;
  }

  /** Blocks until at most `maxBacklog` posted traces are unwritten, or the timeout. */
  waitSync(timeoutMs: number, maxBacklog = 0): boolean {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.processed, 0);
      if (this.posted - seen <= maxBacklog || !this.usable) return true;
      const remaining = deadline - performance.now();
      if (remaining <= 0) return false;
      Atomics.wait(this.processed, 0, seen, Math.min(remaining, 50));
    }
  }

  /** Resolves when everything posted so far is written (or the timeout passes). */
  async flush(timeoutMs = 30_000): Promise<boolean> {
    if (this.backlog <= 0) return true;
    const deadline = performance.now() + timeoutMs;
    // Atomics.waitAsync alone does not keep the event loop alive: hold a reference while waiting.
    this.worker.ref();
    try {
      while (this.backlog > 0 && this.usable) {
        const remaining = deadline - performance.now();
        if (remaining <= 0) return false;
        const seen = Atomics.load(this.processed, 0);
        const result = Atomics.waitAsync(this.processed, 0, seen, Math.min(remaining, 100));
        if (result.async) await result.value;
      }
      return true;
    } finally {
      this.worker.unref();
    }
  }

  async close(): Promise<void> {
    await this.flush(5_000);
    await this.worker.terminate();
  }
}
