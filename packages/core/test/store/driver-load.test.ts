/**
 * When the SQLite driver's compiled module cannot be loaded (the app moved to another Node.js
 * version, or the package manager skipped its build), opening the store says so and how to fix
 * it, instead of blaming the path.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AutologError } from '../../src/errors.js';
import { driverLoadProblem, openDatabase } from '../../src/store/sqlite-util.js';
import { tempDir } from './fixtures.js';

describe('a SQLite driver that cannot be loaded', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('fails with STORE_DRIVER_UNAVAILABLE and the fix, keeping the loader error as the cause', () => {
    // Not a compiled module: Node's loader refuses it as it refuses one built for another version.
    const notAModule = join(tmp.dir, 'better_sqlite3.node');
    writeFileSync(notAModule, 'not a shared object');
    let error: unknown;
    try {
      openDatabase(join(tmp.dir, 'traces.db'), 1000, notAModule);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AutologError);
    const e = error as AutologError;
    expect(e.code).toBe('STORE_DRIVER_UNAVAILABLE');
    expect(e.message).toContain('better-sqlite3, cannot be loaded: its native module could not be loaded');
    expect(e.message).toContain('npm rebuild better-sqlite3');
    expect(e.message).not.toContain('writable');
    expect((e.cause as { code?: string }).code).toBe('ERR_DLOPEN_FAILED');
  });

  it('names both module versions when the driver was built for another Node.js', () => {
    // The loader's message as Node.js 24 prints it for a module built under Node.js 20.
    const err = Object.assign(
      new Error(
        "The module '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\n" +
          'was compiled against a different Node.js version using\n' +
          'NODE_MODULE_VERSION 115. This version of Node.js requires\n' +
          'NODE_MODULE_VERSION 137. Please try re-compiling or re-installing\n' +
          'the module (for instance, using `npm rebuild` or `npm install`).',
      ),
      { code: 'ERR_DLOPEN_FAILED' },
    );
    expect(driverLoadProblem(err)).toBe(
      `it was built for another Node.js version (module version 115; Node.js ${process.version} needs 137)`,
    );
  });

  it('says the build was skipped when the compiled module is missing', () => {
    const err = new Error(
      'Could not locate the bindings file. Tried:\n → /app/node_modules/better-sqlite3/build/better_sqlite3.node',
    );
    expect(driverLoadProblem(err)).toMatch(/never built .*onlyBuiltDependencies/);
  });

  it('leaves other errors to the path checks', () => {
    expect(driverLoadProblem(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }))).toBe(
      undefined,
    );
    expect(driverLoadProblem('text')).toBeUndefined();
  });
});
