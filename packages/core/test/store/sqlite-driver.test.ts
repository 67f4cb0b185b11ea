/**
 * The store's SQLite driver is the better-sqlite3 this Node.js can run: 13 (Node-API, one binary
 * for every version, safe on Node.js 24.19+) where Node-API 10 exists, 12 elsewhere.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/store/index.js';
import { driverPackageFor, sqliteDriverVersion } from '../../src/store/sqlite-driver.js';
import { simpleTrace, tempDir } from './fixtures.js';

describe('the SQLite driver', () => {
  it('is 13 from Node-API 10 on (Node.js 22.14+, 24) and 12 before (Node.js 20)', () => {
    expect(driverPackageFor(9)).toBe('better-sqlite3');
    expect(driverPackageFor(10)).toBe('better-sqlite3-v13');
    expect(driverPackageFor(11)).toBe('better-sqlite3-v13');
  });

  it('loads the one for this Node.js, and the store works with it', () => {
    const napi = Number(process.versions.napi);
    expect(sqliteDriverVersion.split('.')[0]).toBe(napi >= 10 ? '13' : '12');
    const tmp = tempDir();
    try {
      const store = new LocalStore({ path: join(tmp.dir, 'traces.db') });
      const trace = simpleTrace(1, { children: 2 });
      store.export([trace]);
      expect(store.getTrace(trace.info.traceId)).toStrictEqual(trace);
      expect(store.database.prepare('SELECT sqlite_version()').pluck().get()).toMatch(/^3\./);
      store.close();
    } finally {
      tmp.cleanup();
    }
  });
});
