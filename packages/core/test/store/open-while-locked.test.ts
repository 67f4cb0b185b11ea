import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpoolFile } from '../../src/spool/spool-file.js';
import { LocalStore } from '../../src/store/index.js';
import { simpleTrace, tempDir } from './fixtures.js';

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const holder = fileURLToPath(new URL('../fixtures/lock-holder.ts', import.meta.url));

/** Starts another process holding a write transaction on `path` for `holdMs`; resolves once it holds it. */
async function holdWriteLock(path: string, holdMs: number): Promise<{ exited: Promise<number | null> }> {
  const child = spawn(
    process.execPath,
    ['--import', tsxLoader, '--conditions=source', holder, path, String(holdMs)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
      if (out.includes('locked')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`lock holder exited (${code}) before holding the lock`)));
  });
  return { exited };
}

describe('opening the store while another process writes the file', () => {
  let tmp: ReturnType<typeof tempDir>;
  let path: string;
  beforeEach(() => {
    tmp = tempDir();
    path = join(tmp.dir, 'traces.db');
  });
  afterEach(() => tmp.cleanup());

  it('waits for the other write to end, then opens in WAL mode and writes', async () => {
    const { exited } = await holdWriteLock(path, 400);
    const started = performance.now();
    // SQLite refuses to switch a file held this way to WAL at once, without waiting.
    const store = new LocalStore({ path, busyTimeoutMs: 5000 });
    const waited = performance.now() - started;
    try {
      expect(waited).toBeGreaterThan(100);
      expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
      const trace = simpleTrace(1);
      store.export([trace]);
      expect(store.getTrace(trace.info.traceId)?.info.traceId).toBe(trace.info.traceId);
    } finally {
      store.close();
    }
    expect(await exited).toBe(0);
  });

  it('opens a spool file that another process is writing once the write ends, and spools to it', async () => {
    const spoolPath = join(tmp.dir, 'spool.db');
    const { exited } = await holdWriteLock(spoolPath, 400);
    const spool = new SpoolFile(spoolPath, { maxBytes: 1e6 });
    try {
      spool.append('mlflow', [simpleTrace(2)]);
      expect(spool.pendingCount('mlflow')).toBe(1);
      expect(spool.claim('mlflow', 10).map((t) => t.record.info.traceId)).toEqual([
        simpleTrace(2).info.traceId,
      ]);
    } finally {
      spool.close();
    }
    expect(await exited).toBe(0);
  });

  it('gives up after the busy timeout with an error that says the file is locked', async () => {
    const { exited } = await holdWriteLock(path, 1500);
    const started = performance.now();
    expect(() => new LocalStore({ path, busyTimeoutMs: 200 })).toThrow(/database is locked/);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(190);
    expect(waited).toBeLessThan(1400);
    expect(await exited).toBe(0);
  });
});
