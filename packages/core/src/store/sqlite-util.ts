/**
 * Opening the SQLite file with the store's pragmas, and retrying writes that hit SQLITE_BUSY.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { AutologError } from '../errors.js';
import { migrate, SchemaVersionError } from './schema.js';
import { Database } from './sqlite-driver.js';

/** Default time SQLite waits for another connection's lock before reporting SQLITE_BUSY. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

const FIX_HINT =
  'Make sure the directory exists or can be created and is writable by this process, ' +
  "or point AUTOLOG_STORE (or destination 'sqlite:///<path>') at a writable file.";

/** The nearest existing ancestor of `dir` when it is a file rather than a directory. */
function fileInTheWay(dir: string): string | undefined {
  for (let p = dir; ; p = dirname(p)) {
    try {
      return statSync(p).isDirectory() ? undefined : p;
    } catch {
      if (dirname(p) === p) return undefined;
    }
  }
}

function describe(err: unknown, dir: string): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EEXIST' || code === 'ENOTDIR') {
    const file = fileInTheWay(dir);
    if (file) return `"${file}" is a file, not a directory`;
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return `permission denied (${(err as Error).message})`;
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}

/**
 * Why the SQLite driver (better-sqlite3's native module) cannot be loaded, when that is what
 * `err` says: built for another Node.js version, a file that is not a loadable module, or never
 * built. Undefined for any other error.
 */
export function driverLoadProblem(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const message = err.message;
  const abi =
    /NODE_MODULE_VERSION (\d+)\. This version of Node\.js requires\s+NODE_MODULE_VERSION (\d+)/.exec(message);
  if (abi)
    return `it was built for another Node.js version (module version ${abi[1]}; Node.js ${process.version} needs ${abi[2]})`;
  if ((err as { code?: unknown }).code === 'ERR_DLOPEN_FAILED')
    return `its native module could not be loaded (${message.split('\n')[0]})`;
  if (message.includes('Could not locate the bindings file'))
    return 'its native module was never built (the install skipped its build script; pnpm runs it only for packages listed in `onlyBuiltDependencies`, see `pnpm approve-builds`)';
  return undefined;
}

/** What to tell the user when `err` is a failure to load the SQLite driver, with how to fix it; else undefined. */
export function driverLoadMessage(err: unknown): string | undefined {
  const problem = driverLoadProblem(err);
  return problem
    ? `its SQLite driver, better-sqlite3, cannot be loaded: ${problem}. Rebuild it for this Node.js in the folder ` +
        'of your app (`npm rebuild better-sqlite3`, or `pnpm rebuild better-sqlite3`)'
    : undefined;
}

/**
 * Opens (creating if needed) the store file: parent directories, WAL, `synchronous=NORMAL`,
 * `busy_timeout`, `foreign_keys=ON`, then migrations. `nativeBinding` is better-sqlite3's option
 * of the same name (where its compiled module is), for tests.
 *
 * @throws AutologError `STORE_DRIVER_UNAVAILABLE` when the SQLite driver cannot be loaded in this
 *   Node.js; Error naming the path and how to fix it (original error as `cause`) when the file
 *   cannot be created or written; SchemaVersionError for a file from a newer version.
 */
export function openDatabase(
  path: string,
  busyTimeoutMs: number,
  nativeBinding?: string,
): BetterSqlite3.Database {
  const inMemory = path === ':memory:';
  const shown = inMemory ? path : resolve(path);
  let db: BetterSqlite3.Database | undefined;
  try {
    if (!inMemory) {
      const dir = dirname(shown);
      mkdirSync(dir, { recursive: true });
      // WAL needs to create `-wal` and `-shm` files next to the database.
      accessSync(dir, constants.W_OK);
      if (existsSync(shown)) accessSync(shown, constants.R_OK | constants.W_OK);
    }
    db = nativeBinding === undefined ? new Database(path) : new Database(path, { nativeBinding });
    // Each migration re-reads the version under the write lock, so it can run again.
    prepareWalFile(db, busyTimeoutMs, (opened) => {
      opened.pragma('foreign_keys = ON');
      migrate(opened, shown);
    });
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof SchemaVersionError) throw err;
    const driver = driverLoadMessage(err);
    if (driver)
      throw new AutologError(
        'STORE_DRIVER_UNAVAILABLE',
        `The local trace store cannot be opened: ${driver}, or trace to another destination ('memory', an MLflow or OpenTelemetry URL).`,
        { cause: err },
      );
    const reason = describe(err, dirname(shown));
    throw new Error(`Cannot open the local trace store at "${shown}": ${reason}. ${FIX_HINT}`, {
      cause: err,
    });
  }
}

/** True for SQLite's "another connection holds the lock" errors (busy or locked). */
export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * Sets up a freshly opened file of the store or the spool: `busy_timeout`, WAL,
 * `synchronous=NORMAL`, then `setUp` (schema). Switching a file to WAL needs an exclusive lock,
 * and SQLite reports SQLITE_BUSY at once, without calling the busy handler, while another
 * process is in a write transaction on a file not yet in WAL mode (two processes creating one
 * file, or another tool writing it). So the steps run again after a short sleep while they fail
 * with SQLITE_BUSY, until the busy timeout has passed; then the error propagates. `setUp` must
 * be safe to run again (the pragmas are).
 */
export function prepareWalFile(
  db: BetterSqlite3.Database,
  busyTimeoutMs: number,
  setUp: (db: BetterSqlite3.Database) => void,
): void {
  const timeoutMs = Math.max(0, Math.floor(busyTimeoutMs));
  db.pragma(`busy_timeout = ${timeoutMs}`);
  const deadline = performance.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      setUp(db);
      return;
    } catch (err) {
      if (!isBusyError(err) || performance.now() >= deadline) throw err;
      sleepSync(Math.min(50, 2 ** attempt) + Math.random() * 5);
    }
  }
}

let sleepCell: Int32Array | undefined;

/** Blocks the thread for `ms` milliseconds without spinning. */
export function sleepSync(ms: number): void {
  sleepCell ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleepCell, 0, 0, ms);
}

/**
 * Runs a write, retrying a few times with a short, growing, jittered sleep when it still fails
 * with SQLITE_BUSY after the connection's busy timeout. Inside an open transaction it does not
 * retry (the enclosing transaction must). The last error propagates.
 */
export function withBusyRetry<T>(db: BetterSqlite3.Database, fn: () => T, attempts = 4, baseDelayMs = 25): T {
  for (let attempt = 1; ; attempt++) {
    try {
      return fn();
    } catch (err) {
      if (attempt >= attempts || db.inTransaction || !isBusyError(err)) throw err;
      sleepSync(baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
  }
}
