import { type BenchStore, createBenchStore } from '../bench-store.js';
import type { Adapter, Work, WorkSync } from './types.js';

type CoreModule = {
  init(options?: { destination?: unknown }): unknown;
  trace<F extends (...args: never[]) => unknown>(fn: F, options?: { name?: string }): F;
  flushTraces(): Promise<unknown>;
  shutdown(): Promise<void>;
  getExportStats?(): unknown;
};

let core: CoreModule | undefined;
let store: BenchStore | undefined;

/** Spans in the store so far (synchronous), or undefined when it cannot be read. */
function countStoredSpans(): number | undefined {
  try {
    return store?.countSpans();
  } catch {
    return undefined;
  }
}

/**
 * Autolog (`@autolog/core`, from this repo's sources): `init({ destination: 'sqlite:///…' })`
 * (the embedded local store) and `trace(fn, { name: 'work' })`.
 */
export const autolog: Adapter = {
  name: 'Autolog',
  get describe() {
    const dest = process.env.BENCH_AUTOLOG_DEST
      ? `'${process.env.BENCH_AUTOLOG_DEST}'`
      : "'sqlite:///<tmp>/bench.db'";
    return `init({ destination: ${dest} }); trace(fn, { name: 'work' }); flushTraces()`;
  },
  async setup() {
    let mod: Partial<CoreModule>;
    try {
      mod = (await import('@autolog/core')) as unknown as Partial<CoreModule>;
    } catch (err) {
      throw new Error(`@autolog/core could not be imported: ${(err as Error).message.split('\n')[0]}`);
    }
    const missing = (['init', 'trace', 'flushTraces', 'shutdown'] as const).filter(
      (k) => typeof mod[k] !== 'function',
    );
    if (missing.length) throw new Error(`@autolog/core does not export ${missing.join(', ')} yet`);
    core = mod as CoreModule;
    const created = createBenchStore('autolog-bench-');
    store = created;
    // Also when the bench exits without tearing Autolog down.
    process.once('exit', () => created.remove());
    // BENCH_AUTOLOG_DEST=memory (or any destination URI) shows what the local store adds.
    core.init({ destination: process.env.BENCH_AUTOLOG_DEST || created.uri });
  },
  traced: (fn: Work) => core!.trace(fn, { name: 'work' }),
  tracedSync: (fn: WorkSync) => core!.trace(fn, { name: 'work' }),
  async flush() {
    await core!.flushTraces();
  },
  async teardown() {
    try {
      await core?.shutdown();
    } finally {
      store?.remove();
    }
  },
  heldProbe() {
    // Autolog hands finished traces on once 2,000 are waiting, even inside a loop that never
    // yields (to its store's writer thread, or writes them itself): those are no longer held by
    // the application's thread. getExportStats() counts traces handed to a destination
    // (`exported`) or given up on (`dropped`); without it, fall back to rows in the store.
    const stats = () => core?.getExportStats?.() as { exported?: number; dropped?: number }[] | undefined;
    const handedOn = (): number | undefined => {
      const s = stats();
      if (s) return s.reduce((a, d) => a + (d.exported ?? 0) + (d.dropped ?? 0), 0);
      return countStoredSpans();
    };
    const start = handedOn();
    return (n) => {
      const now = handedOn();
      return start === undefined || now === undefined ? undefined : n - (now - start);
    };
  },
  async delivered() {
    const stats = core?.getExportStats?.();
    const rows = countStoredSpans();
    return {
      count: rows,
      note:
        stats === undefined
          ? 'getExportStats() not available'
          : `getExportStats() = ${JSON.stringify(stats)}; spans in the store: ${rows ?? 'n/a'}`,
    };
  },
};
