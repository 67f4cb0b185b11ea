import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { searchLocalStore } from '../../src/query/search-local.js';
import {
  LocalStore,
  MIGRATIONS,
  migrate,
  SCHEMA_VERSION,
  SchemaVersionError,
} from '../../src/store/index.js';
import { Database } from '../../src/store/sqlite-driver.js';
import { simpleTrace, tempDir, traceIdOf } from './fixtures.js';

describe('LocalStore opening and migrations', () => {
  let tmp: ReturnType<typeof tempDir>;
  let path: string;
  beforeEach(() => {
    tmp = tempDir();
    path = join(tmp.dir, 'nested', 'dir', 'traces.db');
  });
  afterEach(() => tmp.cleanup());

  const pragma = (file: string, name: string) => {
    const db = new Database(file, { readonly: true });
    try {
      return db.pragma(name, { simple: true });
    } finally {
      db.close();
    }
  };

  /**
   * Writes a file at schema `version` holding traces 1…`count`, each with `metadataOf(n)` as rows
   * of `trace_metadata` (as every version before 3 stored all metadata); returns them by trace id.
   */
  const writeAtVersion = (
    version: number,
    count: number,
    metadataOf: (n: number) => Record<string, string>,
  ): Map<string, Record<string, string>> => {
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    migrate(db, path, MIGRATIONS.slice(0, version));
    const trace = db.prepare(
      `INSERT INTO traces (trace_id, experiment_id, request_time, execution_duration, state, name)
       VALUES (?, '0', ?, 5, 'OK', 'work')`,
    );
    const meta = db.prepare('INSERT INTO trace_metadata (trace_id, key, value) VALUES (?, ?, ?)');
    const written = new Map<string, Record<string, string>>();
    for (let n = 1; n <= count; n++) {
      const id = traceIdOf(n);
      const metadata = metadataOf(n);
      trace.run(id, 1_700_000_000_000 + n);
      for (const [k, v] of Object.entries(metadata)) meta.run(id, k, v);
      written.set(id, metadata);
    }
    db.close();
    return written;
  };

  /**
   * Opens the file `writeAtVersion` wrote, which upgrades it, and checks that it is at the current
   * version and that every trace reads back the metadata it was written with. Returns the store
   * and a one-value query on it.
   */
  const openUpgraded = (written: Map<string, Record<string, string>>) => {
    const store = new LocalStore({ path });
    expect(pragma(path, 'user_version')).toBe(SCHEMA_VERSION);
    for (const [id, metadata] of written) expect(store.getTrace(id)?.info.traceMetadata).toEqual(metadata);
    const count = (sql: string) => store.database.prepare(sql).pluck().get();
    return { store, count };
  };

  it('creates parent directories and sets user_version to the latest on a fresh file', () => {
    const store = new LocalStore({ path });
    store.close();
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect(pragma(path, 'user_version')).toBe(SCHEMA_VERSION);
    expect(pragma(path, 'journal_mode')).toBe('wal');
  });

  it('opens with WAL, synchronous NORMAL, foreign keys and the requested busy timeout', () => {
    const store = new LocalStore({ path, busyTimeoutMs: 1234 });
    const db = store.database;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    store.close();
  });

  it('keeps data and experiments when reopening an existing file', () => {
    const store = new LocalStore({ path, experimentName: 'kept' });
    store.export([simpleTrace(1, { experimentId: store.resolveExperiment() })]);
    store.close();
    const again = new LocalStore({ path, experimentName: 'kept' });
    expect(again.resolveExperiment()).toBe('1');
    expect(again.getTrace(traceIdOf(1))?.info.experimentId).toBe('1');
    expect(pragma(path, 'user_version')).toBe(SCHEMA_VERSION);
    again.close();
  });

  it('refuses a file with a future user_version with a clear message', () => {
    new LocalStore({ path }).close();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    let error: unknown;
    try {
      new LocalStore({ path });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SchemaVersionError);
    expect((error as Error).message).toContain(`"${path}"`);
    expect((error as Error).message).toMatch(
      new RegExp(
        `schema version ${SCHEMA_VERSION + 1}, newer than the version ${SCHEMA_VERSION}.*Upgrade @autolog/core`,
      ),
    );
  });

  it('applies each pending migration once, in order, and records the version', () => {
    const db = new Database(':memory:');
    const applied: number[] = [];
    const steps = [1, 2, 3].map((n) => ({ description: `step ${n}`, up: () => void applied.push(n) }));
    expect(migrate(db, ':memory:', steps.slice(0, 2))).toEqual({ from: 0, to: 2 });
    expect(migrate(db, ':memory:', steps)).toEqual({ from: 2, to: 3 });
    expect(migrate(db, ':memory:', steps)).toEqual({ from: 3, to: 3 });
    expect(applied).toEqual([1, 2, 3]);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    db.close();
  });

  it('rolls back a failing migration, leaving the version unchanged', () => {
    const db = new Database(':memory:');
    const steps = [
      { description: 'ok', up: (d: BetterSqlite3.Database) => void d.exec('CREATE TABLE a (x)') },
      {
        description: 'fails',
        up: (d: BetterSqlite3.Database) => {
          d.exec('CREATE TABLE b (x)');
          throw new Error('boom');
        },
      },
    ];
    expect(() => migrate(db, ':memory:', steps)).toThrow('boom');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
    db.close();
  });

  it('moves metadata shared by the traces of a process to sets stored once when upgrading from version 2', () => {
    const source = (file: string) => ({
      'mlflow.source.type': 'LOCAL',
      'mlflow.source.name': file,
      'mlflow.source.git.commit': 'c0ffee',
      'mlflow.trace_schema.version': '3',
    });
    const expected = writeAtVersion(2, 6, (n) => ({
      ...source(n <= 4 ? 'app.ts' : 'job.ts'),
      ...(n % 2 ? { 'mlflow.trace.user': `u-${n}` } : {}),
    }));

    const { store, count } = openUpgraded(expected);
    expect(count('SELECT COUNT(*) FROM metadata_sets')).toBe(2);
    expect(count('SELECT COUNT(*) FROM trace_metadata')).toBe(3);
    const found = searchLocalStore(store, { filterString: "metadata.`mlflow.source.name` = 'job.ts'" });
    expect(found.traces.map((t) => t.info.traceId)).toEqual([traceIdOf(6), traceIdOf(5)]);
    // A trace written after the upgrade with the same shared values reuses the set.
    const later = simpleTrace(7);
    later.info.traceMetadata = source('job.ts');
    store.export([later]);
    expect(count('SELECT COUNT(*) FROM metadata_sets')).toBe(2);
    expect(store.getTrace(traceIdOf(7))?.info.traceMetadata).toEqual(source('job.ts'));
    store.close();
  });

  it('moves token usage and cost metadata to columns of the trace when upgrading from version 3', () => {
    const expected = writeAtVersion(3, 4, (n) => ({
      'mlflow.trace.user': `u-${n}`,
      ...(n <= 3
        ? { 'mlflow.trace.tokenUsage': `{"input_tokens":${n},"output_tokens":1,"total_tokens":${n + 1}}` }
        : {}),
      ...(n <= 2 ? { 'mlflow.trace.cost': `{"input_cost":0,"output_cost":0,"total_cost":0.00${n}}` } : {}),
    }));

    const { store, count } = openUpgraded(expected);
    // Only the user rows are left as rows; the rest is in the trace rows.
    expect(count('SELECT COUNT(*) FROM trace_metadata')).toBe(4);
    expect(count('SELECT COUNT(*) FROM traces WHERE token_usage IS NOT NULL')).toBe(3);
    expect(count('SELECT COUNT(*) FROM traces WHERE cost IS NOT NULL')).toBe(2);
    const found = searchLocalStore(store, { filterString: "metadata.`mlflow.trace.cost` LIKE '%0.002}'" });
    expect(found.traces.map((t) => t.info.traceId)).toEqual([traceIdOf(2)]);
    // A trace written after the upgrade keeps its usage and cost in its row.
    const later = simpleTrace(5);
    later.info.traceMetadata = { 'mlflow.trace.cost': '{"total_cost":1}', 'mlflow.trace.tokenUsage': '{}' };
    store.export([later]);
    expect(count('SELECT COUNT(*) FROM trace_metadata')).toBe(4);
    expect(store.getTrace(traceIdOf(5))?.info.traceMetadata).toEqual(later.info.traceMetadata);
    store.close();
  });

  it('gives a clear error naming the path when the parent is a file', () => {
    const blocker = join(tmp.dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    const bad = join(blocker, 'traces.db');
    let error: unknown;
    try {
      new LocalStore({ path: bad });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`Cannot open the local trace store at "${bad}"`);
    expect((error as Error).message).toMatch(/writable.*AUTOLOG_STORE/);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it.skipIf(process.getuid?.() === 0)(
    'gives a clear error naming the path when the directory is read-only',
    () => {
      const dir = join(tmp.dir, 'ro');
      mkdirSync(dir);
      chmodSync(dir, 0o500);
      try {
        expect(() => new LocalStore({ path: join(dir, 'traces.db') })).toThrow(
          /Cannot open the local trace store at ".*ro\/traces\.db".*(EACCES|permission)/i,
        );
      } finally {
        chmodSync(dir, 0o700);
      }
    },
  );
});
