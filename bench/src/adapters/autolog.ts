import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Adapter, Work, WorkSync } from './types.js';

type CoreModule = {
  init(options?: { destination?: unknown }): unknown;
  trace<F extends (...args: never[]) => unknown>(fn: F, options?: { name?: string }): F;
  flushTraces(): Promise<void>;
  shutdown(): Promise<void>;
  getExportStats?(): unknown;
};

let core: CoreModule | undefined;
let dir: string | undefined;
let dbPath: string | undefined;

/** Counts stored spans with a fresh read-only connection (the store may be in WAL mode). */
async function countStoredSpans(): Promise<number | undefined> {
  if (!dbPath) return undefined;
  try {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM spans').get() as { n: number }).n;
    } finally {
      db.close();
    }
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
  describe: "init({ destination: 'sqlite:///<tmp>/bench.db' }); trace(fn, { name: 'work' }); flushTraces()",
  async setup() {
    let mod: Partial<CoreModule>;
    try {
      mod = (await import('@autolog/core')) as Partial<CoreModule>;
    } catch (err) {
      throw new Error(`@autolog/core could not be imported: ${(err as Error).message.split('\n')[0]}`);
    }
    const missing = (['init', 'trace', 'flushTraces', 'shutdown'] as const).filter((k) => typeof mod[k] !== 'function');
    if (missing.length) throw new Error(`@autolog/core does not export ${missing.join(', ')} yet`);
    core = mod as CoreModule;
    dir = mkdtempSync(join(tmpdir(), 'autolog-bench-'));
    dbPath = join(dir, 'bench.db');
    core.init({ destination: `sqlite:///${dbPath}` });
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
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  },
  async delivered() {
    const stats = core?.getExportStats?.();
    const rows = await countStoredSpans();
    return {
      count: rows,
      note: stats === undefined ? 'getExportStats() not available' : `getExportStats() = ${JSON.stringify(stats)}`,
    };
  },
};
