import { diag, describeError } from './diag.js';
import type { Destination, TraceRecord } from './types.js';

export interface WorkerOptions {
  /** Most traces kept waiting for this destination; beyond it the oldest are dropped and counted. */
  maxQueueTraces: number;
  batchSize: number;
  /** Attempts per batch before it is dropped (counted). */
  maxAttempts: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
}

export interface DestinationStats {
  destination: string;
  /** Traces delivered. */
  exported: number;
  /** Failed attempts that were retried. */
  retried: number;
  /** Traces given up on (queue overflow or attempts exhausted). */
  dropped: number;
  /** Traces waiting or in flight. */
  pending: number;
  lastError?: string;
}

/** Delivers records to one destination in batches, with retries and a bounded queue. */
export class DestinationWorker {
  readonly destination: Destination;
  private readonly options: WorkerOptions;
  private queue: TraceRecord[] = [];
  private inFlight: TraceRecord[] | undefined;
  private attempt = 0;
  private backoff: NodeJS.Timeout | undefined;
  private waiters: Array<() => void> = [];
  readonly stats: DestinationStats;

  constructor(destination: Destination, options: WorkerOptions) {
    this.destination = destination;
    this.options = options;
    this.stats = { destination: destination.name, exported: 0, retried: 0, dropped: 0, pending: 0 };
  }

  /**
   * Queues records for delivery. Synchronous destinations write one batch now and the rest in
   * later macrotasks (the event loop is never held for long), unless `sync` asks to write
   * everything now (process exit, or a burst that never yields to the event loop).
   */
  push(records: TraceRecord[], sync = false): void {
    for (const r of records) this.queue.push(r);
    const overflow = this.queue.length - this.options.maxQueueTraces;
    if (overflow > 0) {
      this.queue.splice(0, overflow);
      this.stats.dropped += overflow;
      diag.warn(`destination ${this.destination.name} is behind: dropped ${overflow} oldest trace(s) (queue bound ${this.options.maxQueueTraces}; ${this.stats.dropped} dropped in all)`);
    }
    this.pump(sync);
  }

  get idle(): boolean {
    return this.queue.length === 0 && this.inFlight === undefined;
  }

  /** Resolves once nothing is waiting or in flight. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Skips a pending backoff wait (used by flush). */
  retryNow(): void {
    if (!this.backoff) return;
    clearTimeout(this.backoff);
    this.backoff = undefined;
    this.pump();
  }

  private pumpScheduled = false;

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(sync = false): void {
    let batches = 0;
    while (!this.inFlight && !this.backoff && this.queue.length) {
      if (!sync && batches++ > 0) {
        // One synchronous batch per macrotask keeps the app's event loop responsive.
        this.schedulePump();
        break;
      }
      const batch = this.queue.splice(0, this.options.batchSize);
      this.inFlight = batch;
      let result: unknown;
      try {
        result = this.destination.export(batch);
      } catch (err) {
        this.failed(batch, err);
        continue;
      }
      if (result && typeof (result as Promise<void>).then === 'function') {
        (result as Promise<void>).then(
          () => {
            this.succeeded(batch);
            this.pump();
          },
          (err) => {
            this.failed(batch, err);
            this.pump();
          },
        );
        this.updatePending();
        return;
      }
      this.succeeded(batch);
    }
    this.updatePending();
  }

  private succeeded(batch: TraceRecord[]): void {
    this.inFlight = undefined;
    this.attempt = 0;
    this.stats.exported += batch.length;
  }

  private failed(batch: TraceRecord[], err: unknown): void {
    this.inFlight = undefined;
    this.attempt++;
    this.stats.lastError = describeError(err);
    const permanent = isPermanent(err);
    if (this.attempt >= this.options.maxAttempts || permanent) {
      this.stats.dropped += batch.length;
      const why = permanent ? 'the error is not retryable' : `after ${this.attempt} attempt(s)`;
      this.attempt = 0;
      diag.error(`destination ${this.destination.name} failed to export ${batch.length} trace(s), dropped (${why}): ${this.stats.lastError}`);
      return;
    }
    this.stats.retried++;
    this.queue.unshift(...batch);
    const exp = Math.min(this.options.maxBackoffMs, this.options.baseBackoffMs * 2 ** (this.attempt - 1));
    const delay = retryAfterMs(err) ?? exp / 2 + Math.random() * (exp / 2);
    diag.once('warn', `retrying:${this.destination.name}`, `destination ${this.destination.name} failed (${this.stats.lastError}); retrying with backoff`);
    this.backoff = setTimeout(() => {
      this.backoff = undefined;
      this.pump();
    }, delay);
    this.backoff.unref?.();
  }

  private updatePending(): void {
    this.stats.pending = this.queue.length + (this.inFlight?.length ?? 0);
    if (this.idle && this.waiters.length) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    }
  }
}

/** Errors a destination marks as not worth retrying (e.g. HTTP 400/401/403/404). */
function isPermanent(err: unknown): boolean {
  return Boolean(err && typeof err === 'object' && (err as { retryable?: unknown }).retryable === false);
}

function retryAfterMs(err: unknown): number | undefined {
  const value = err && typeof err === 'object' ? (err as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  return typeof value === 'number' && value >= 0 ? value : undefined;
}
