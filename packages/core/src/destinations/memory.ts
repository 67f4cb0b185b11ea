import type { TraceRecord, TraceStore } from '../types.js';

/**
 * Keeps finished traces in memory, newest last: for tests and for apps that inspect their own
 * traces. Bounded: past `maxTraces` the oldest are forgotten.
 */
export class MemoryDestination implements TraceStore {
  readonly name = 'memory';
  readonly traces: TraceRecord[] = [];
  private readonly maxTraces: number;
  /** Ids written so far (a superset of those in `traces`, which callers may edit). */
  private readonly seen = new Set<string>();

  constructor(options: { maxTraces?: number } = {}) {
    this.maxTraces = options.maxTraces ?? 10_000;
  }

  export(traces: readonly TraceRecord[]): void {
    for (const t of traces) {
      const id = t.info.traceId;
      // Only an id seen before can be a replacement: no scan of the list for new traces.
      if (this.seen.has(id)) {
        const existing = this.traces.findIndex((x) => x.info.traceId === id);
        if (existing >= 0) this.traces.splice(existing, 1);
      } else this.seen.add(id);
      this.traces.push(t);
    }
    if (this.traces.length > this.maxTraces) {
      for (const old of this.traces.splice(0, this.traces.length - this.maxTraces)) {
        this.seen.delete(old.info.traceId);
      }
    }
  }

  getTrace(traceId: string): TraceRecord | null {
    return this.traces.find((t) => t.info.traceId === traceId) ?? null;
  }

  clear(): void {
    this.traces.length = 0;
    this.seen.clear();
  }
}
