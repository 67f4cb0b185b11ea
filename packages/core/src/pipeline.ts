import { diag, describeError } from './diag.js';
import { DestinationWorker, type DestinationStats, type WorkerOptions } from './destination-worker.js';
import type { TraceBuffer } from './trace-buffer.js';
import { buildTraceRecord } from './trace-record.js';
import type { Destination, TraceRecord } from './types.js';

export interface PipelineOptions extends WorkerOptions {
  experimentId: string;
  /** Finished traces held before conversion; past it they are converted and handed over at once. */
  highWaterMark: number;
}

export const DEFAULT_PIPELINE_OPTIONS: Omit<PipelineOptions, 'experimentId'> = {
  maxQueueTraces: 10_000,
  batchSize: 64,
  maxAttempts: 5,
  baseBackoffMs: 200,
  maxBackoffMs: 10_000,
  highWaterMark: 2_000,
};

/**
 * Finished traces go here. `enqueue` only appends; conversion to records (serialisation,
 * redaction, token sums) and delivery happen in a later macrotask, batched.
 */
export class ExportPipeline {
  readonly workers: DestinationWorker[];
  private readonly options: PipelineOptions;
  private pending: TraceBuffer[] = [];
  private scheduled = false;
  private closed = false;

  constructor(destinations: Destination[], options: PipelineOptions) {
    this.options = options;
    this.workers = destinations.map((d) => new DestinationWorker(d, options));
  }

  get destinations(): Destination[] {
    return this.workers.map((w) => w.destination);
  }

  enqueue(buffer: TraceBuffer): void {
    if (this.closed) {
      diag.once('warn', 'closed-pipeline', 'a trace finished after shutdown(); it was not exported');
      return;
    }
    this.pending.push(buffer);
    // A burst that never yields to the event loop: convert and write now, so memory stays bounded.
    if (this.pending.length >= this.options.highWaterMark) this.drainNow(true);
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.drain);
    }
  }

  /** Converts every waiting trace and hands the records to each destination. */
  readonly drain = (): void => this.drainNow(false);

  /** `sync`: synchronous destinations write everything before this returns (exit, bursts). */
  drainNow(sync: boolean): void {
    this.scheduled = false;
    if (!this.pending.length) return;
    const buffers = this.pending;
    this.pending = [];
    const records: TraceRecord[] = [];
    for (const buffer of buffers) {
      try {
        records.push(buildTraceRecord(buffer, this.options.experimentId));
      } catch (err) {
        diag.error(`could not build trace ${buffer.traceId}: ${describeError(err)}`);
      }
    }
    for (const worker of this.workers) worker.push(records, sync);
  }

  /** Waits until every finished trace is delivered or given up on, at most `timeoutMs`. */
  async flush(timeoutMs = 30_000): Promise<boolean> {
    this.drain();
    for (const w of this.workers) w.retryNow();
    const all = Promise.all(this.workers.map((w) => w.whenIdle())).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref?.();
    });
    const done = await Promise.race([all, timeout]);
    if (timer) clearTimeout(timer);
    if (!done) diag.warn(`flush timed out after ${timeoutMs} ms; ${this.stats().reduce((n, s) => n + s.pending, 0)} trace(s) still pending`);
    return done;
  }

  /** Flushes, then shuts the destinations down; later traces are not exported. */
  async shutdown(timeoutMs = 30_000): Promise<void> {
    await this.flush(timeoutMs);
    this.closed = true;
    for (const d of this.destinations) {
      try {
        await d.shutdown?.();
      } catch (err) {
        diag.warn(`destination ${d.name} failed to shut down: ${describeError(err)}`);
      }
    }
  }

  stats(): DestinationStats[] {
    return this.workers.map((w) => ({ ...w.stats }));
  }
}
