/** A throwaway local store for the benches: where Autolog's traces go, and how many spans arrived. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

// The driver this Node.js can run, as the local store picks it (13 needs Node-API 10).
const Database: typeof BetterSqlite3 = createRequire(import.meta.url)(
  Number(process.versions.napi) >= 10 ? 'better-sqlite3-v13' : 'better-sqlite3',
);

export interface BenchStore {
  /** `sqlite:///<tmp>/bench.db`, for `init({ destination })`. */
  readonly uri: string;
  /** Spans stored so far, read with a fresh read-only connection (the store is in WAL mode). */
  countSpans(): number;
  /** Deletes the store's folder. */
  remove(): void;
}

/** A local store in a new temporary folder (`prefix` names it). */
export function createBenchStore(prefix: string): BenchStore {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, 'bench.db');
  return {
    uri: `sqlite:///${path}`,
    countSpans() {
      const db = new Database(path, { readonly: true, fileMustExist: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM spans').get() as { n: number }).n;
      } finally {
        db.close();
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
