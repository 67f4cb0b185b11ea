import type { TraceRecord, TraceStore } from '../types.js';

/**
 * Keeps finished traces in memory, newest last: for tests and for apps that inspect their own
 * traces. Bounded: past `maxTraces` the oldest are forgotten.
 */
export class MemoryDestination implements TraceStore {
  readonly name = 'memory';
  readonly traces: TraceRecord[] = [];
  private readonly maxTraces: number;

  constructor(options: { maxTraces?: number } = {}) {
    this.maxTraces = options.maxTraces ?? 10_000;
  }

  export(traces: readonly TraceRecord[]): void {
    for (const t of traces) {
      const existing = this.traces.findIndex((x) => x.info.traceId === t.info.traceId);
      if (existing >= 0) this.traces.splice(existing, 1);
      this.traces.push(t);
    }
    if (this.traces.length > this.maxTraces) this.traces.splice(0, this.traces.length - this.maxTraces);
  }

  getTrace(traceId: string): TraceRecord | null {
    return this.traces.find((t) => t.info.traceId === traceId) ?? null;
  }

  clear(): void {
    this.traces.length = 0;
  }
}
