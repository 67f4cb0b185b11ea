/**
 * A full garbage collection between requests must not throw away the optimised tracing code:
 * V8 discards optimised code once no object of a shape it was compiled for is alive, and the
 * next thousands of traced calls then run unoptimised, several times slower. The pipeline keeps
 * the trace it converted last (and only that one) to keep those shapes alive.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

describe('optimised tracing code across a full garbage collection', () => {
  it('stays optimised, and only the last exported trace stays in memory', () => {
    const run = spawnSync(
      process.execPath,
      [
        '--allow-natives-syntax',
        '--expose-gc',
        '--import',
        tsxLoader,
        '--conditions=source',
        join(here, 'fixtures', 'optimized-after-gc.ts'),
      ],
      { cwd: join(here, '..'), encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1) as string);
    expect(result.warm).toBe(true);
    expect(result.before).toEqual({ LiveSpan: true, setOutputs: true });
    expect(result.after).toEqual({ LiveSpan: true, setOutputs: true });
    expect(result.exported).toBeGreaterThanOrEqual(250);
    expect(result.alive).toBe(1);
    expect(result.lastAlive).toBe(true);
  }, 90_000);
});
