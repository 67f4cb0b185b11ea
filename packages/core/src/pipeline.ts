import { type DestinationStats, DestinationWorker, type WorkerOptions } from './destination-worker.js';
import { describeError, diag } from './diag.js';
import { releaseFinished, type TraceBuffer } from './trace-buffer.js';
import { buildTraceRecord } from './trace-record.js';
import type { Destination, TraceRecord } from './types.js';

export interface PipelineOptions extends WorkerOptions {
  experimentId: string;
  /** Finished traces held before conversion; past it they are converted and handed over at once. */
  highWaterMark: number;
  /**
   * How long a finished trace may wait so that traces finishing close together are converted
   * and written as one batch (one transaction, one request) rather than one by one.
   */
  exportDelayMs: number;
}

export const DEFAULT_PIPELINE_OPTIONS: Omit<PipelineOptions, 'experimentId'> = {
  maxQueueTraces: 10_000,
  maxQueueBytes: 64 * 1024 * 1024,
  batchSize: 64,
  maxAttempts: 5,
  baseBackoffMs: 200,
  maxBackoffMs: 10_000,
  highWaterMark: 2_000,
  exportDelayMs: 250,
};

/**
 * Finished traces go here. `enqueue` only appends; conversion to records (serialisation,
 * redaction, token sums) and delivery happen later, batched: in the next macrotask once a batch
 * (`batchSize`) is waiting, else at most `exportDelayMs` after the first waiting trace finished
 * — so a steady trickle is still written in batches, while under load traces leave young (no
 * promotion to the old generation) — and at once when `highWaterMark` traces wait, on flush
 * and at exit.
 */
export class ExportPipeline {
  readonly workers: DestinationWorker[];
  private readonly options: PipelineOptions;
  private pending: TraceBuffer[] = [];
  private immediate = false;
  /**
   * The pipeline's one timer, re-armed with `refresh()` for each batch, so no timer object is
   * made on the traced call's path. With a timer made per batch, the optimised code of ending a
   * span (which inlines the scheduling) was thrown away after full GCs in a probe with a full GC
   * before each of 8 rounds (`--trace-deopt`: "weak objects" in `enqueue`, 7 times on Node 20,
   * 3 on Node 24); with this one, once in four such runs on Node 20 and in none of three on
   * Node 24. Unref'd: waiting traces never keep the process alive (exit hooks flush them).
   */
  private readonly timer: NodeJS.Timeout;
  /** The timer will fire (it may fire after an earlier drain; it then finds nothing to do). */
  private timerArmed = true;
  private closed = false;
  /**
   * The trace converted last, as buffer and record, until the next one replaces it. V8 keeps
   * the optimised code of the tracing path only while an object of each shape it was compiled
   * for is alive: a full garbage collection at a moment when no trace is in memory discards
   * that code (a deoptimisation for "weak objects"), and the next few thousand traced calls run
   * unoptimised. One trace held keeps the shapes alive; it is bounded by the serialisation caps.
   */
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: held to keep it alive, never read
  private lastConverted: [TraceBuffer, TraceRecord] | undefined;

  constructor(destinations: Destination[], options: PipelineOptions) {
    this.options = options;
    this.workers = destinations.map((d) => new DestinationWorker(d, options));
    this.timer = setTimeout(this.onTimer, options.exportDelayMs);
    this.timer.unref();
  }

  private readonly onTimer = (): void => {
    this.timerArmed = false;
    this.drainNow(false);
  };

  get destinations(): Destination[] {
    return this.workers.map((w) => w.destination);
  }

  enqueue(buffer: TraceBuffer): void {
    if (this.closed) {
      diag.once('warn', 'closed-pipeline', 'a trace finished after shutdown(); it was not exported');
      return;
    }
    const waiting = this.pending.push(buffer);
    // A burst that never yields to the event loop: convert and write now, so memory stays bounded.
    if (waiting >= this.options.highWaterMark) this.drainNow(true);
    else if (waiting >= this.options.batchSize) {
      if (!this.immediate) {
        this.immediate = true;
        setImmediate(this.drain);
      }
    } else if (!this.timerArmed) {
      this.timerArmed = true;
      this.timer.refresh();
    }
  }

  /** Converts every waiting trace and hands the records to each destination. */
  readonly drain = (): void => this.drainNow(false);

  /** `sync`: synchronous destinations write everything before this returns (exit, bursts). */
  drainNow(sync: boolean): void {
    this.immediate = false;
    if (!this.pending.length) return;
    const buffers = this.pending;
    this.pending = [];
    const records: TraceRecord[] = [];
    let last: TraceBuffer | undefined;
    for (const buffer of buffers) {
      try {
        records.push(buildTraceRecord(buffer, this.options.experimentId));
        last = buffer;
        releaseFinished(buffer);
      } catch (err) {
        diag.error(`could not build trace ${buffer.traceId}: ${describeError(err)}`);
      }
    }
    if (last) this.lastConverted = [last, records[records.length - 1]];
    for (const worker of this.workers) worker.push(records, sync);
  }

  /** Waits until every finished trace is delivered or given up on, at most `timeoutMs`. */
  async flush(timeoutMs = 30_000): Promise<boolean> {
    this.drain();
    for (const w of this.workers) w.retryNow();
    // Idle workers have handed everything over; destinations that write in the background
    // (the local store's writer thread) then confirm it is written.
    const all = Promise.all(
      this.workers.map((w) =>
        w.whenIdle().then(async () => {
          try {
            await w.destination.forceFlush?.();
          } catch (err) {
            diag.warn(`destination ${w.destination.name} failed to flush: ${describeError(err)}`);
          }
        }),
      ),
    ).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      // Ref'd on purpose: export sockets do not hold the process open, an awaited flush does (bounded).
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const done = await Promise.race([all, timeout]);
    if (timer) clearTimeout(timer);
    if (!done)
      diag.warn(
        `flush timed out after ${timeoutMs} ms; ${this.stats().reduce((n, s) => n + s.pending, 0)} trace(s) still pending`,
      );
    return done;
  }

  /** For exit handlers: hands everything over now and waits (blocking, bounded) for background writers. */
  flushSync(timeoutMs: number): void {
    this.drainNow(true);
    for (const d of this.destinations) {
      try {
        (d as { flushSync?: (ms: number) => unknown }).flushSync?.(timeoutMs);
      } catch {
        // exiting: nothing more can be done
      }
    }
  }

  /** Flushes, then shuts the destinations down; later traces are not exported (undelivered ones are spooled). */
  async shutdown(timeoutMs = 30_000): Promise<void> {
    await this.flush(timeoutMs);
    this.closed = true;
    clearTimeout(this.timer);
    this.spillPending();
    for (const d of this.destinations) {
      try {
        await d.shutdown?.();
      } catch (err) {
        diag.warn(`destination ${d.name} failed to shut down: ${describeError(err)}`);
      }
    }
  }

  /** Exit: stop reading spools and write everything undelivered to them (synchronously). */
  spillPending(): void {
    for (const w of this.workers) w.spillPending();
    this.options.spool?.close();
  }

  /** Exit has begun: deliver what is in memory, leave spooled traces for the next run. */
  beginExit(): void {
    for (const w of this.workers) w.beginExit();
  }

  /** True while any destination has traces waiting in memory or in flight. */
  hasPending(): boolean {
    return this.pending.length > 0 || this.workers.some((w) => w.stats.pending > 0);
  }

  stats(): DestinationStats[] {
    return this.workers.map((w) => ({ ...w.stats }));
  }
}
