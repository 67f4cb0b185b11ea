import { isPermanent, partialOutcome, retryAfterMs } from './delivery-outcome.js';
import { describeError, diag } from './diag.js';
import type { SpoolFile } from './spool/spool-file.js';
import type { Destination, TraceRecord } from './types.js';

export interface WorkerOptions {
  /** Most traces kept waiting in memory for this destination; beyond it the oldest are spooled (or dropped). */
  maxQueueTraces: number;
  /** Most bytes (JSON, measured once traces pile up) kept waiting in memory; beyond it as above. */
  maxQueueBytes: number;
  batchSize: number;
  /** Attempts per batch before it is spooled (or, without a spool, dropped and counted). */
  maxAttempts: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Where traces of destinations with a `spoolKey` wait when the destination is behind or down. */
  spool?: SpoolFile;
}

export interface DestinationStats {
  destination: string;
  /** Traces delivered. */
  exported: number;
  /** The same as `exported` (traces sent and accepted). */
  sent: number;
  /** Failed attempts that were retried. */
  retried: number;
  /** Traces written to the spool file (queue overflow, destination down, or exit). */
  spooled: number;
  /** Traces given up on: refused for good, or overflow without a spool (or with a full one). */
  dropped: number;
  /** Traces waiting in memory or in flight. */
  pending: number;
  /** Traces of this destination waiting in the spool file. */
  inSpool: number;
  lastError?: string;
}

interface Entry {
  record: TraceRecord;
  /** JSON size, measured lazily once traces pile up (0 until then). */
  bytes: number;
  /** Set when the trace came from the spool: its row is removed on delivery. */
  spoolId?: number;
}

const DOWN_PROBE_ATTEMPTS = 1;
/** How long one macrotask keeps handing batches to a synchronous destination. */
const PUMP_BUDGET_MS = 4;

/**
 * Delivers records to one destination in batches, with retries, a bounded queue and, for
 * destinations that name a `spoolKey`, a spool file for what does not fit or cannot be
 * delivered now. Never throws into the app.
 */
export class DestinationWorker {
  readonly destination: Destination;
  readonly stats: DestinationStats;
  private readonly options: WorkerOptions;
  private readonly spool: SpoolFile | undefined;
  private readonly spoolKey: string | undefined;
  private queue: Entry[] = [];
  private queueBytes = 0;
  private inFlight: Entry[] | undefined;
  private attempt = 0;
  private backoff: NodeJS.Timeout | undefined;
  private waiters: Array<() => void> = [];
  /** The last batch ran out of attempts: the destination is down; probe it with single attempts. */
  private failing = false;
  private exiting = false;
  private turn = 0;
  private pumpScheduled = false;
  private reported = new Set<string>();

  constructor(destination: Destination, options: WorkerOptions) {
    this.destination = destination;
    this.options = options;
    this.stats = {
      destination: destination.name,
      exported: 0,
      sent: 0,
      retried: 0,
      spooled: 0,
      dropped: 0,
      pending: 0,
      inSpool: 0,
    };
    const key = destination.spoolKey;
    if (options.spool && typeof key === 'string' && key) {
      this.spool = options.spool;
      this.spoolKey = key;
      this.spool.onEvicted(key, (n) => {
        this.stats.dropped += n;
        this.stats.inSpool = Math.max(0, this.stats.inSpool - n);
        diag.warn(`spool ${this.spool?.path} is full: dropped ${n} oldest trace(s) of ${destination.name}`);
      });
      try {
        this.stats.inSpool = this.spool.pendingCount(key);
      } catch (err) {
        diag.error(`cannot read the spool for ${destination.name}: ${describeError(err)}`);
      }
      if (this.stats.inSpool > 0) {
        diag.info(
          `${this.stats.inSpool} spooled trace(s) for ${destination.name} will be delivered when it is reachable`,
        );
        this.schedulePump();
      }
    }
  }

  /**
   * Queues records for delivery. Synchronous destinations write one batch now and the rest in
   * later macrotasks (the event loop is never held for long), unless `sync` asks to write
   * everything now (process exit, or a burst that never yields to the event loop).
   */
  push(records: TraceRecord[], sync = false): void {
    for (const record of records) this.queue.push({ record, bytes: 0 });
    this.pump(sync);
    // Measuring costs a serialisation per trace: only while traces pile up behind a busy or
    // failing destination. (A synchronous one that keeps up takes the rest in the next turns.)
    if (this.inFlight || this.backoff) this.measureBacklog();
    this.enforceBounds();
    this.updatePending();
  }

  /** Measures what waits beyond the next batch, so the byte bound holds. */
  private measureBacklog(): void {
    for (let i = this.options.batchSize; i < this.queue.length; i++) this.measure(this.queue[i]);
  }

  get idle(): boolean {
    const spoolDone = this.stats.inSpool === 0 || this.failing || this.exiting || !this.spool;
    return this.queue.length === 0 && this.inFlight === undefined && spoolDone;
  }

  /** Resolves once nothing is waiting or in flight (spooled traces count when the destination is up). */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Used by flush: skips a pending backoff wait; a destination that is down has its queue spooled now. */
  retryNow(): void {
    if (this.failing && this.spool) this.spill(this.queue.splice(0), 'unreachable');
    this.queueBytes = this.queue.reduce((n, e) => n + e.bytes, 0);
    if (this.backoff && !this.failing) {
      clearTimeout(this.backoff);
      this.backoff = undefined;
    }
    this.pump();
  }

  /**
   * The process is ending: stop reading the spool and write every undelivered trace to it
   * (queued and in flight; an in-flight request may still land, so delivery is at least once).
   */
  spillPending(): void {
    this.exiting = true;
    if (!this.spool) return;
    const entries = [...(this.inFlight ?? []), ...this.queue.splice(0)];
    this.inFlight = undefined;
    this.queueBytes = 0;
    if (entries.length) this.spill(entries, 'exit');
    this.updatePending();
  }

  /** Stops reading the spool (exit in progress); undelivered traces stay there for the next run. */
  beginExit(): void {
    this.exiting = true;
    this.updatePending();
  }

  private measure(entry: Entry): void {
    if (entry.bytes) return;
    try {
      entry.bytes = JSON.stringify(entry.record).length;
    } catch {
      entry.bytes = 1;
    }
    this.queueBytes += entry.bytes;
  }

  private enforceBounds(): void {
    const { maxQueueTraces, maxQueueBytes } = this.options;
    if (this.queue.length <= maxQueueTraces && this.queueBytes <= maxQueueBytes) return;
    let n = Math.max(0, this.queue.length - maxQueueTraces);
    let bytes = this.queueBytes;
    for (let i = 0; i < n; i++) bytes -= this.queue[i].bytes;
    while (bytes > maxQueueBytes && n < this.queue.length) bytes -= this.queue[n++].bytes;
    const overflow = this.queue.splice(0, n);
    this.queueBytes = bytes;
    this.spill(overflow, 'overflow');
  }

  /** Puts entries in the spool (or, without one, drops and counts them). */
  private spill(entries: Entry[], why: 'overflow' | 'unreachable' | 'exit'): void {
    if (!entries.length) return;
    const fresh = entries.filter((e) => e.spoolId === undefined);
    const back = entries.filter((e) => e.spoolId !== undefined).map((e) => e.spoolId as number);
    if (this.spool && this.spoolKey) {
      try {
        this.spool.release(back);
        this.stats.spooled += this.spool.append(
          this.spoolKey,
          fresh.map((e) => e.record),
        );
        this.stats.inSpool += fresh.length;
        this.reportOnce(
          `spool:${why}`,
          'warn',
          `destination ${this.destination.name} ${why === 'overflow' ? 'is behind' : why === 'exit' ? 'still had traces at exit' : 'is unreachable'}: ${fresh.length} trace(s) spooled to ${this.spool.path}; they are delivered when it is reachable`,
        );
        return;
      } catch (err) {
        diag.error(
          `could not spool ${fresh.length} trace(s) of ${this.destination.name}: ${describeError(err)}`,
        );
      }
    }
    this.stats.dropped += fresh.length;
    diag.warn(
      `destination ${this.destination.name} is behind: dropped ${fresh.length} oldest trace(s) (queue bound ${this.options.maxQueueTraces} traces / ${this.options.maxQueueBytes} bytes; ${this.stats.dropped} dropped in all)`,
    );
  }

  /** Retries a pending backoff wait now. */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** The next batch: from memory, or from the spool (every other batch while both have traces). */
  private nextBatch(): Entry[] | undefined {
    const fromSpool =
      this.spool &&
      this.spoolKey &&
      this.stats.inSpool > 0 &&
      !this.exiting &&
      (this.queue.length === 0 || this.turn++ % 2 === 1);
    if (fromSpool) {
      const claimed = this.spool!.claim(this.spoolKey!, this.options.batchSize);
      if (claimed.length) return claimed.map((c) => ({ record: c.record, bytes: 0, spoolId: c.id }));
      this.stats.inSpool = 0; // the rest belongs to other live processes
    }
    if (!this.queue.length) return undefined;
    const batch = this.queue.splice(0, this.options.batchSize);
    for (const e of batch) this.queueBytes -= e.bytes;
    return batch;
  }

  private pump(sync = false): void {
    const started = performance.now();
    let batches = 0;
    while (!this.inFlight && !this.backoff) {
      if (!sync && batches++ > 0 && performance.now() - started >= PUMP_BUDGET_MS) {
        // A synchronous destination writes for a few milliseconds per macrotask, so the app's
        // event loop stays responsive; a fast one (a post to a thread) empties the queue at once.
        if (this.queue.length || (this.stats.inSpool && !this.exiting)) this.schedulePump();
        break;
      }
      const batch = this.nextBatch();
      if (!batch) break;
      this.inFlight = batch;
      let result: unknown;
      try {
        result = this.destination.export(batch.map((e) => e.record));
      } catch (err) {
        this.failed(batch, err);
        continue;
      }
      if (result && typeof (result as Promise<void>).then === 'function') {
        (result as Promise<void>).then(
          () => {
            if (this.inFlight !== batch) return; // spilled at exit meanwhile
            this.succeeded(batch);
            this.pump();
          },
          (err) => {
            if (this.inFlight !== batch) return;
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

  private succeeded(batch: Entry[]): void {
    this.inFlight = undefined;
    this.attempt = 0;
    if (this.failing) diag.info(`destination ${this.destination.name} is reachable again`);
    this.failing = false;
    this.delivered(batch);
  }

  private delivered(entries: Entry[]): void {
    this.stats.exported += entries.length;
    this.stats.sent = this.stats.exported;
    this.forget(entries);
  }

  /** Removes spool rows of entries that are done with (delivered or refused for good). */
  private forget(entries: Entry[]): void {
    const ids = entries.filter((e) => e.spoolId !== undefined).map((e) => e.spoolId as number);
    if (!ids.length || !this.spool) return;
    this.spool.remove(ids);
    this.stats.inSpool = Math.max(0, this.stats.inSpool - ids.length);
  }

  private failed(batch: Entry[], err: unknown): void {
    this.inFlight = undefined;
    this.stats.lastError = describeError(err);
    const partial = partialOutcome(batch, err);
    if (partial) {
      this.delivered(partial.delivered);
      if (partial.rejected.length) this.refused(partial.rejected, err);
      batch = partial.retry;
      if (!batch.length) return;
    } else if (isPermanent(err)) {
      this.refused(batch, err);
      this.attempt = 0;
      return;
    }
    this.attempt++;
    const limit = this.failing ? DOWN_PROBE_ATTEMPTS : this.options.maxAttempts;
    if (this.attempt >= limit) {
      this.attempt = 0;
      if (!this.spool) {
        this.stats.dropped += batch.length;
        diag.error(
          `destination ${this.destination.name} failed to export ${batch.length} trace(s), dropped (after ${limit} attempt(s)): ${this.stats.lastError}`,
        );
        return;
      }
      // Down: the batch waits in the spool; probe again later with one attempt per batch.
      this.failing = true;
      this.spill(batch, 'unreachable');
      this.wait(this.options.maxBackoffMs, err);
      return;
    }
    this.stats.retried++;
    this.queue.unshift(...batch);
    for (const e of batch) this.queueBytes += e.bytes;
    this.measureBacklog();
    this.enforceBounds();
    this.wait(Math.min(this.options.maxBackoffMs, this.options.baseBackoffMs * 2 ** (this.attempt - 1)), err);
    this.reportOnce(
      'retrying',
      'warn',
      `destination ${this.destination.name} failed (${this.stats.lastError}); retrying with backoff`,
    );
  }

  /** Refused for good (4xx other than 408/429): counted as dropped, reported once per kind of error. */
  private refused(entries: Entry[], err: unknown): void {
    this.stats.dropped += entries.length;
    this.forget(entries);
    const status = (err as { status?: unknown })?.status;
    const code = (err as { errorCode?: unknown })?.errorCode;
    this.reportOnce(
      `refused:${String(status)}:${String(code)}`,
      'error',
      `destination ${this.destination.name} refused ${entries.length} trace(s), dropped (the error is not retryable): ${describeError(err)}`,
    );
  }

  /** Backoff with jitter (half to full of `ms`), or exactly the server's `Retry-After`. */
  private wait(ms: number, err: unknown): void {
    const delay = retryAfterMs(err) ?? ms / 2 + Math.random() * (ms / 2);
    this.backoff = setTimeout(() => {
      this.backoff = undefined;
      this.pump();
    }, delay);
    this.backoff.unref?.();
  }

  private reportOnce(key: string, level: 'warn' | 'error', message: string): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    diag.log(level, message);
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
