import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStore } from '@autolog/core';
import { expect, it } from 'vitest';

it('writes three traces to the local store and prints them as trees with durations and tokens', () => {
  const store = join(mkdtempSync(join(tmpdir(), 'autolog-demo-')), 'traces.db');
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const run = spawnSync(
    process.execPath,
    ['--import', tsx, '--conditions=source', join(import.meta.dirname, '..', 'main.ts')],
    {
      env: { ...process.env, AUTOLOG_STORE: store },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toContain(`Traces written to ${store}`);
  expect(run.stdout).toMatch(/└─ answerQuestion \[CHAIN\] [\d.]+(ms|µs)/);
  expect(run.stdout).toMatch(/chatModel \[CHAT_MODEL\] [\d.]+ms tokens=\d+→\d+ \(\d+\)/);
  expect(run.stdout).toContain('ERROR Error: model overloaded (simulated)');
  const traces = new LocalStore({ path: store }).listTraces();
  expect(traces).toHaveLength(3);
  expect(traces.map((t) => t.traceMetadata['mlflow.trace.user']).sort()).toEqual(['alice', 'alice', 'bob']);
  expect(traces.filter((t) => t.state === 'ERROR')).toHaveLength(1);
});
