/**
 * For testing code that is traced: tracing goes to memory, and what was exported is read back
 * after a flush, so a test asserts on the same records a destination would receive.
 *
 * @example
 * import { memoryTracing } from '@autolog/core/testing';
 *
 * const t = memoryTracing();
 * await answer('What is MLflow?');
 * const [trace] = await t.traces();
 * expect(trace.data.spans.map((s) => s.name)).toEqual(['answer', 'OpenAI.chat.completions']);
 */
import { MemoryDestination } from './destinations/memory.js';
import { flushTraces, type InitOptions, init } from './init.js';
import type { SpanData, TraceRecord } from './types.js';

export interface MemoryTracing {
  /** The destination itself (`mem.traces`: what it holds now, without flushing). */
  readonly mem: MemoryDestination;
  /** Flushes, then every trace exported so far, in the order they finished. */
  traces(): Promise<TraceRecord[]>;
  /** Flushes, then the spans of every trace exported so far. */
  spans(): Promise<SpanData[]>;
}

/**
 * Initialises tracing with a fresh in-memory destination (and `silent: true`), replacing any
 * earlier `init`. Other `init` options apply as given.
 */
export function memoryTracing(options: Omit<InitOptions, 'destination'> = {}): MemoryTracing {
  const mem = new MemoryDestination();
  init({ silent: true, ...options, destination: mem });
  return {
    mem,
    async traces() {
      await flushTraces();
      return mem.traces;
    },
    async spans() {
      await flushTraces();
      return mem.traces.flatMap((t) => t.data.spans);
    },
  };
}
