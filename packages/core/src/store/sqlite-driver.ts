/**
 * The SQLite driver of the local store and the spool: better-sqlite3 13 where Node.js offers
 * Node-API 10 (22.14 and later), 12 elsewhere (Node.js 20, early 22). Both are dependencies;
 * the right one is loaded here, once.
 *
 * Why two: 12's compiled module is built for one Node.js version and, from Node.js 24.19, aborts
 * the process when one of its statements is collected outside JavaScript (an idle garbage
 * collection, or at exit). 13 is built on Node-API, so one binary serves every Node.js version
 * and none of that happens, but it needs Node-API 10, which Node.js 20 never got: loaded there
 * it crashes. The two versions have the same API.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

/** The package to load for a Node.js offering this Node-API version. */
export function driverPackageFor(napiVersion: number): 'better-sqlite3-v13' | 'better-sqlite3' {
  return napiVersion >= 10 ? 'better-sqlite3-v13' : 'better-sqlite3';
}

const require = createRequire(import.meta.url);
const wanted = driverPackageFor(Number(process.versions.napi));

// Each package named literally, so bundlers that follow `require` see both.
const load12 = () => ({
  Database: require('better-sqlite3') as typeof BetterSqlite3,
  version: (require('better-sqlite3/package.json') as { version: string }).version,
});
const load13 = () => ({
  Database: require('better-sqlite3-v13') as typeof BetterSqlite3,
  version: (require('better-sqlite3-v13/package.json') as { version: string }).version,
});

function load(): { Database: typeof BetterSqlite3; version: string } {
  if (wanted === 'better-sqlite3') return load12();
  try {
    return load13();
  } catch {
    // 13 missing (an install that left it out): 12 still works, with the risk above on Node.js 24.
    return load12();
  }
}

const driver = load();

/** better-sqlite3's `Database` class, of the version this Node.js needs. */
export const Database: typeof BetterSqlite3 = driver.Database;

/** The version of better-sqlite3 in use, e.g. `13.2.0`. */
export const sqliteDriverVersion: string = driver.version;
