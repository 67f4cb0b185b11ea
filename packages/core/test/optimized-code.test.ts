/**
 * A full garbage collection between requests must not throw away the optimised tracing code:
 * V8 discards optimised code once no object of a shape it was compiled for is alive, and the
 * next thousands of traced calls then run unoptimised, several times slower. The pipeline keeps
 * the trace it converted last (and only that one) to keep those shapes alive, and an observed
 * stream keeps the stream observed last (and a few of its chunks) for the per-chunk code.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Runs a fixture with V8's natives syntax and `gc()`, and returns the JSON of its last line. */
function runFixture(name: string): Record<string, unknown> {
  const run = spawnSync(
    process.execPath,
    [
      '--allow-natives-syntax',
      '--expose-gc',
      '--import',
      tsxLoader,
      '--conditions=source',
      join(here, 'fixtures', name),
    ],
    { cwd: join(here, '..'), encoding: 'utf8', timeout: 60_000 },
  );
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) as string);
}

describe('optimised tracing code across a full garbage collection', () => {
  it('stays optimised, and only the last exported trace stays in memory', () => {
    const result = runFixture('optimized-after-gc.ts');
    expect(result.warm).toBe(true);
    expect(result.before).toEqual({ LiveSpan: true, setOutputs: true });
    expect(result.after).toEqual({ LiveSpan: true, setOutputs: true });
    expect(result.exported).toBeGreaterThanOrEqual(250);
    expect(result.alive).toBe(1);
    expect(result.lastAlive).toBe(true);
  }, 90_000);

  it("keeps a stream observer's per-chunk code optimised, holding only the last stream and four of its chunks", () => {
    const result = runFixture('observed-streams-after-gc.ts');
    expect(result.warm).toBe(true);
    expect(result.before).toBe(true);
    expect(result.after).toBe(true);
    expect(result.aliveObservers).toBe(1);
    expect(result.lastObserverAlive).toBe(true);
    expect(result.aliveChunks).toBe(4);
    expect(result.chunksOfOtherStreams).toBe(0);
  }, 90_000);
});
