import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type MlflowServer,
  type OtlpCollector,
  startMlflowServer,
  startOtlpCollector,
} from '@autolog/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from './helpers/run-cli.js';
import { seedRecords, seedStore } from './helpers/seed.js';

let dir: string;
let store: string;
let mlflow: MlflowServer | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'autolog-cli-servers-'));
  store = join(dir, 'traces.db');
  seedStore(store);
});
afterEach(async () => {
  await mlflow?.close();
  mlflow = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SEED_IDS = seedRecords().map((r) => r.info.traceId);
const exportTo = (to: string, ...args: string[]) => runCli(['export', '--to', to, '--store', store, ...args]);
const startTraceCalls = (server: MlflowServer) =>
  server.requests.filter(
    (r) => r.method === 'POST' && r.path === '/api/3.0/mlflow/traces' && r.status === 200,
  );

describe('autolog export to an MLflow server', () => {
  it('publishes every trace with its spans into the experiment asked for, and sends nothing twice', async () => {
    mlflow = await startMlflowServer();
    const first = await exportTo(mlflow.url, '--to-experiment', 'cli-test');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(`exported 8 traces to ${mlflow.url} experiment cli-test (8 matching)\n`);
    const experiment = mlflow.state.experimentByName('cli-test');
    expect(experiment).toBeDefined();
    expect([...mlflow.state.traces.keys()].sort()).toEqual([...SEED_IDS].sort());
    const stored = mlflow.state.traces.get(SEED_IDS[3]);
    expect(stored?.info).toMatchObject({
      state: 'ERROR',
      trace_location: { mlflow_experiment: { experiment_id: experiment?.experiment_id } },
    });
    expect(stored?.info.trace_metadata).toMatchObject({
      'mlflow.trace.user': 'bob',
      'mlflow.trace.session': 's-2',
      app_version: '1.1.0',
    });
    expect(stored?.spans.size).toBe(3);

    const again = await exportTo(mlflow.url, '--to-experiment', 'cli-test');
    expect(again.stdout).toContain('all 8 matching traces were exported');
    expect(startTraceCalls(mlflow)).toHaveLength(8);
    // --restart sends them again under the same ids: the server still holds 8 traces.
    const restart = await exportTo(mlflow.url, '--to-experiment', 'cli-test', '--restart');
    expect(restart.code, restart.stderr).toBe(0);
    expect(mlflow.state.traces.size).toBe(8);
  });

  it('retries a temporary failure and goes on', async () => {
    mlflow = await startMlflowServer();
    mlflow.failNext({ status: 503, retryAfter: 0, path: /^\/api\/3\.0\/mlflow\/traces$/, method: 'POST' });
    const { code, stderr } = await exportTo(mlflow.url);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/^warning: .*503.* — retrying 1 trace\(s\) in 0\.0s \(attempt 2 of 5\)\n$/);
    expect(mlflow.state.traces.size).toBe(8);
  });

  it('stops with the server message and exit code 1 when a trace is refused, and continues from there on re-run', async () => {
    mlflow = await startMlflowServer();
    mlflow.failNext({
      status: 400,
      errorCode: 'INVALID_PARAMETER_VALUE',
      message: 'trace rejected by policy',
      path: /^\/api\/3\.0\/mlflow\/traces$/,
      method: 'POST',
    });
    const failed = await exportTo(mlflow.url, '--batch', '2');
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toMatch(
      new RegExp(
        `^error: ${mlflow.url} refused 1 trace\\(s\\) \\(tr-[0-9a-f]{32}\\): .*INVALID_PARAMETER_VALUE.*trace rejected by policy`,
      ),
    );
    expect(startTraceCalls(mlflow)).toHaveLength(1);

    const rerun = await exportTo(mlflow.url, '--batch', '2');
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain(
      `1 of 8 traces were exported to ${mlflow.url} before; continuing with the other 7`,
    );
    expect(startTraceCalls(mlflow)).toHaveLength(8);
    expect([...mlflow.state.traces.values()].map((t) => t.info.state).sort()).toEqual([
      'ERROR',
      ...Array(7).fill('OK'),
    ]);
  });

  it('stops cleanly on Ctrl-C after the batch in flight; the re-run sends each remaining trace exactly once', async () => {
    mlflow = await startMlflowServer({ latencyMs: 150 });
    const checkpoint = `${store}.export-checkpoint.jsonl`;
    const key = `${mlflow.url} experiment interrupted`;
    const lines = () =>
      existsSync(checkpoint)
        ? readFileSync(checkpoint, 'utf8')
            .split('\n')
            .filter((l) => l.includes(`"${key}"`)).length
        : 0;
    const exportArgs = [
      'export',
      '--to',
      mlflow.url,
      '--to-experiment',
      'interrupted',
      '--batch',
      '1',
      '--store',
      store,
    ];
    const run = startCli(exportArgs);
    while (lines() < 2) await new Promise((r) => setTimeout(r, 25));
    run.child.kill('SIGINT');
    const stopped = await run.done;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toContain('stopping after the current batch');
    const done = Number(/error: interrupted: exported (\d) of 8 traces/.exec(stopped.stderr)?.[1]);
    expect(done).toBeGreaterThanOrEqual(2);
    expect(done).toBeLessThan(8);

    const rerun = await runCli(exportArgs);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain(`${done} of 8 traces were exported`);
    expect(mlflow.state.traces.size).toBe(8);
    const perTrace = new Map<string, number>();
    for (const call of startTraceCalls(mlflow)) {
      const id = (call.body as { trace: { trace_info: { trace_id: string } } }).trace.trace_info.trace_id;
      perTrace.set(id, (perTrace.get(id) ?? 0) + 1);
    }
    expect([...perTrace.values()]).toEqual(Array(8).fill(1));
  });
});

describe('autolog export to Databricks and OTLP', () => {
  it('publishes to a Databricks workspace from DATABRICKS_HOST / DATABRICKS_TOKEN', async () => {
    const token = 'dapi0123456789abcdef0123456789abcdef';
    mlflow = await startMlflowServer({
      auth: { token },
      databricks: { credentialType: 'AWS_PRESIGNED_URL' },
    });
    const { code, stdout, stderr } = await runCli(
      ['export', '--to', 'databricks', '--store', store, '--to-experiment', '/Users/me/autolog'],
      {
        env: { DATABRICKS_HOST: mlflow.url, DATABRICKS_TOKEN: token, HOME: dir },
      },
    );
    expect(stderr).toBe('');
    expect(code, stderr).toBe(0);
    expect(stdout).toBe('exported 8 traces to databricks experiment /Users/me/autolog (8 matching)\n');
    expect(mlflow.state.traces.size).toBe(8);
    expect(mlflow.state.blobs.size).toBe(8);
  });

  it('sends the spans to an OpenTelemetry collector under the same trace ids every time', async () => {
    const collector: OtlpCollector = await startOtlpCollector();
    try {
      const first = await exportTo(`otlp+${collector.url}`);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toBe(`exported 8 traces to otlp+${collector.url} (8 matching)\n`);
      expect(collector.spans).toHaveLength(24);
      const otelIds = [...new Set(collector.spans.map((s) => s.traceId))].sort();
      expect(otelIds).toEqual(SEED_IDS.map((id) => id.slice(3)).sort());
      const llm = collector.spans.find((s) => s.name === 'gpt-4o-mini');
      expect(llm?.attributes['gen_ai.request.model'] ?? llm?.attributes['gen_ai.response.model']).toBe(
        'gpt-4o-mini',
      );

      await exportTo(`otlp+${collector.url}`, '--restart');
      expect(collector.spans).toHaveLength(48);
      expect([...new Set(collector.spans.map((s) => s.traceId))].sort()).toEqual(otelIds);
    } finally {
      await collector.close();
    }
  });
});
