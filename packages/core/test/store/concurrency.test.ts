import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/store/index.js';
import { Database } from '../../src/store/sqlite-driver.js';
import { simpleTrace, tempDir, traceIdOf } from './fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..', '..');

function runWriter(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', join(here, 'concurrent-writer.ts'), ...args],
      { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

describe('LocalStore under concurrent writers', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('keeps every trace when two processes export to the same fresh file at once', async () => {
    const path = join(tmp.dir, 'shared', 'traces.db');
    const startAt = String(Date.now() + 1500);
    const results = await Promise.all([
      runWriter([path, 'a', '200', '5', startAt]),
      runWriter([path, 'b', '200', '5', startAt]),
    ]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const outputs = results.map((r) => JSON.parse(r.stdout));
    expect(outputs.map((o) => o.written)).toEqual([200, 200]);
    expect(outputs[0].experimentId).toBe(outputs[1].experimentId);

    const store = new LocalStore({ path });
    const db = store.database;
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.prepare('SELECT COUNT(*) FROM traces').pluck().get()).toBe(400);
    expect(db.prepare('SELECT COUNT(*) FROM spans').pluck().get()).toBe(1200);
    expect(db.prepare("SELECT COUNT(*) FROM experiments WHERE name = 'concurrent'").pluck().get()).toBe(1);
    const experimentId = outputs[0].experimentId as string;
    for (const prefix of ['a', 'b']) {
      for (const n of [0, 117, 199]) {
        const id = traceIdOf(n, prefix);
        expect(store.getTrace(id)).toStrictEqual(simpleTrace(n, { prefix, experimentId }));
      }
    }
    store.close();
  }, 60_000);

  it('propagates SQLITE_BUSY after a few retries while another connection holds the lock', () => {
    const path = join(tmp.dir, 'traces.db');
    const store = new LocalStore({ path, busyTimeoutMs: 0 });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    expect(() => store.export([simpleTrace(1)])).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    other.exec('ROLLBACK');
    store.export([simpleTrace(1)]);
    expect(store.getTrace(traceIdOf(1))).toStrictEqual(simpleTrace(1));
    other.close();
    store.close();
  });
});
