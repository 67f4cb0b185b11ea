import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { describeError, diag } from '../diag.js';
import { Database } from '../store/sqlite-driver.js';
import { DEFAULT_BUSY_TIMEOUT_MS, driverLoadMessage, prepareWalFile } from '../store/sqlite-util.js';
import type { TraceRecord } from '../types.js';

/** A trace taken out of the spool for delivery; `id` removes or releases it afterwards. */
export interface SpooledTrace {
  id: number;
  record: TraceRecord;
  bytes: number;
}

export interface SpoolOptions {
  /** Largest total size of spooled traces (JSON bytes); past it the oldest are evicted and counted. */
  maxBytes: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS spool (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  dest TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  owner TEXT,
  owner_pid INTEGER,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS spool_dest ON spool (dest, id);`;

type Listener = (evicted: number) => void;

/**
 * The spool: one SQLite file (WAL) where traces a network destination could not take in time
 * wait, across process restarts, until it recovers. Rows are keyed by the destination's
 * `spoolKey`. A process claims rows before sending them, so two processes sharing the file
 * never send the same rows at once; claims of processes that died are taken over. Writes are
 * synchronous, so traces are spooled even from the `exit` handler. The file is opened on first
 * use and created only when something is spooled.
 *
 * @example
 * const spool = new SpoolFile('.autolog/spool.db', { maxBytes: 256 * 2 ** 20 });
 * spool.append('mlflow:http://127.0.0.1:5000|exp:0', [record]);
 * const [first] = spool.claim('mlflow:http://127.0.0.1:5000|exp:0', 10);
 * spool.remove([first.id]);
 */
export class SpoolFile {
  readonly path: string;
  private readonly maxBytes: number;
  private db: BetterSqlite3.Database | undefined;
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  private readonly listeners = new Map<string, Listener>();
  private broken = false;

  constructor(path: string, options: SpoolOptions) {
    this.path = resolve(path);
    this.maxBytes = options.maxBytes;
  }

  /** Called with the number of this destination's traces evicted to stay within `maxBytes`. */
  onEvicted(dest: string, listener: Listener): void {
    this.listeners.set(dest, listener);
  }

  private open(create: boolean): BetterSqlite3.Database | undefined {
    if (this.db) return this.db;
    if (this.broken || (!create && !existsSync(this.path))) return undefined;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const db = new Database(this.path);
      try {
        // Several processes may open one spool at once; the schema is `IF NOT EXISTS`.
        prepareWalFile(db, DEFAULT_BUSY_TIMEOUT_MS, () => db.exec(SCHEMA));
      } catch (err) {
        db.close();
        throw err;
      }
      this.db = db;
      return db;
    } catch (err) {
      this.broken = true;
      const driver = driverLoadMessage(err);
      diag.error(
        `cannot open the spool file ${this.path} (${driver ?? describeError(err)}); traces that cannot be delivered in time will be dropped and counted`,
      );
      return undefined;
    }
  }

  /** Traces of `dest` in the spool that this process may deliver (not claimed by another live process). */
  pendingCount(dest: string): number {
    const db = this.open(false);
    if (!db) return 0;
    const rows = db.prepare('SELECT owner, owner_pid FROM spool WHERE dest = ?').all(dest) as Array<{
      owner: string | null;
      owner_pid: number | null;
    }>;
    return rows.filter((r) => this.claimable(r.owner, r.owner_pid) || r.owner === this.owner).length;
  }

  /**
   * Appends traces (oldest first). Returns how many were written; throws only when the file
   * cannot be written at all (the caller counts those traces as dropped).
   */
  append(dest: string, records: readonly TraceRecord[]): number {
    if (!records.length) return 0;
    const db = this.open(true);
    if (!db) throw new Error(`the spool file ${this.path} is not available`);
    const insert = db.prepare('INSERT INTO spool (dest, bytes, created_ms, body) VALUES (?, ?, ?, ?)');
    const now = Date.now();
    db.transaction(() => {
      for (const record of records) {
        const body = JSON.stringify(record);
        insert.run(dest, Buffer.byteLength(body), now, body);
      }
    })();
    this.evictOverflow(db);
    return records.length;
  }

  /** Takes up to `max` of the oldest claimable traces of `dest` for delivery. */
  claim(dest: string, max: number): SpooledTrace[] {
    const db = this.open(false);
    if (!db) return [];
    const out: SpooledTrace[] = [];
    const bad: number[] = [];
    db.transaction(() => {
      const rows = db
        .prepare(
          'SELECT id, owner, owner_pid, bytes, body FROM spool WHERE dest = ? AND (owner IS NULL OR owner != ?) ORDER BY id LIMIT ?',
        )
        .all(dest, this.owner, max * 4) as Array<{
        id: number;
        owner: string | null;
        owner_pid: number | null;
        bytes: number;
        body: string;
      }>;
      const mark = db.prepare('UPDATE spool SET owner = ?, owner_pid = ? WHERE id = ?');
      for (const row of rows) {
        if (out.length >= max) break;
        if (!this.claimable(row.owner, row.owner_pid)) continue;
        try {
          out.push({ id: row.id, record: JSON.parse(row.body) as TraceRecord, bytes: row.bytes });
          mark.run(this.owner, process.pid, row.id);
        } catch {
          bad.push(row.id);
        }
      }
      if (bad.length) this.deleteIds(db, bad);
    })();
    if (bad.length) diag.error(`spool ${this.path}: ${bad.length} unreadable trace(s) removed`);
    return out;
  }

  /** Gives claimed traces back (not delivered now; they stay for a later attempt). */
  release(ids: readonly number[]): void {
    const db = this.open(false);
    if (!db || !ids.length) return;
    const stmt = db.prepare('UPDATE spool SET owner = NULL, owner_pid = NULL WHERE id = ?');
    db.transaction(() => {
      for (const id of ids) stmt.run(id);
    })();
  }

  /** Removes delivered (or finally refused) traces. */
  remove(ids: readonly number[]): void {
    const db = this.open(false);
    if (db && ids.length) db.transaction(() => this.deleteIds(db, ids))();
  }

  close(): void {
    try {
      this.db?.close();
    } catch {
      // already closed
    }
    this.db = undefined;
  }

  private deleteIds(db: BetterSqlite3.Database, ids: readonly number[]): void {
    const stmt = db.prepare('DELETE FROM spool WHERE id = ?');
    for (const id of ids) stmt.run(id);
  }

  /** A row is ours to take when unclaimed, or claimed by a process on this host that is gone. */
  private claimable(owner: string | null, pid: number | null): boolean {
    if (owner === null) return true;
    if (owner === this.owner) return false;
    const [host] = owner.split(':');
    if (host !== hostname()) return false;
    if (pid === null || pid === process.pid) return true; // an earlier incarnation with our pid (containers)
    try {
      process.kill(pid, 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }

  private evictOverflow(db: BetterSqlite3.Database): void {
    const total = (db.prepare('SELECT COALESCE(SUM(bytes), 0) FROM spool').pluck().get() as number) ?? 0;
    if (total <= this.maxBytes) return;
    let excess = total - this.maxBytes;
    const evicted = new Map<string, number>();
    // Claimed rows are being delivered right now; the oldest unclaimed ones go first.
    const rows = db
      .prepare('SELECT id, dest, bytes FROM spool WHERE owner IS NULL ORDER BY id')
      .iterate() as IterableIterator<{ id: number; dest: string; bytes: number }>;
    const ids: number[] = [];
    for (const row of rows) {
      if (excess <= 0) break;
      ids.push(row.id);
      excess -= row.bytes;
      evicted.set(row.dest, (evicted.get(row.dest) ?? 0) + 1);
    }
    db.transaction(() => this.deleteIds(db, ids))();
    for (const [dest, n] of evicted) {
      const listener = this.listeners.get(dest);
      if (listener) listener(n);
      else diag.warn(`spool ${this.path} is full: evicted ${n} oldest trace(s) of ${dest}`);
    }
  }
}
