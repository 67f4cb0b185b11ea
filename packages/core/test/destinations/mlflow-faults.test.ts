import { type MlflowServer, startMlflowServer } from '@autolog/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { flushTraces, getExportStats, init, trace } from '../../src/index.js';
import { captureLogs, statsOf, tmpSpool, traceMany, waitFor } from './helpers.js';

let server: MlflowServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const START = /^\/api\/3\.0\/mlflow\/traces$/;
const fast = { initial: 20, max: 200 };

async function setUp(options: Parameters<typeof init>[0] = {}) {
  server ??= await startMlflowServer();
  init({ silent: true, destination: server.url, spool: tmpSpool(), retryDelayMs: fast, ...options });
  return server;
}

describe('MLflow delivery under faults', () => {
  it('retries 500s with backoff and delivers', async () => {
    const s = await setUp();
    s.failNext({ status: 500, times: 2, path: START });
    const [id] = traceMany(1);
    expect(await flushTraces(10_000)).toBe(true);
    expect(s.state.traces.get(id)?.info.state).toBe('OK');
    expect(statsOf('mlflow')).toMatchObject({ exported: 1, dropped: 0 });
    expect(statsOf('mlflow').retried).toBeGreaterThanOrEqual(2);
  });

  it('waits as long as a 429 Retry-After says before trying again', async () => {
    const s = await setUp();
    s.failNext({ status: 429, retryAfter: 1, path: START });
    const [id] = traceMany(1);
    expect(await flushTraces(10_000)).toBe(true);
    const starts = s.requests.filter((r) => START.test(r.path));
    expect(starts.map((r) => r.status)).toEqual([429, 200]);
    const times = s.requests.filter((r) => START.test(r.path)).map((r) => r.at);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(950);
    expect(s.state.traces.has(id)).toBe(true);
  });

  it('does not retry other 4xx, and reports the server message once', async () => {
    const s = await setUp();
    s.failNext({
      status: 400,
      errorCode: 'INVALID_PARAMETER_VALUE',
      message: 'Trace request preview is too long',
      path: START,
      times: 2,
    });
    const { lines } = await captureLogs(async () => {
      traceMany(1);
      await flushTraces(10_000);
      traceMany(1);
      await flushTraces(10_000);
    });
    expect(s.requests.filter((r) => START.test(r.path)).map((r) => r.status)).toEqual([400, 400]);
    expect(statsOf('mlflow')).toMatchObject({ exported: 0, dropped: 2, retried: 0, spooled: 0 });
    const reports = lines.filter((l) => l.includes('Trace request preview is too long'));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(
      /^error: destination mlflow refused 1 trace\(s\).*400 INVALID_PARAMETER_VALUE/,
    );
  });

  it('survives connection resets and slow responses, and the app never waits for the network', async () => {
    const s = await setUp();
    s.failNext({ reset: true, times: 2, path: START });
    s.failNext({ delayMs: 400, times: 3 });
    const work = trace((i: number) => i * 2, { name: 'hot' });
    const started = performance.now();
    for (let i = 0; i < 200; i++) work(i);
    const perCallMs = (performance.now() - started) / 200;
    expect(perCallMs).toBeLessThan(2); // a traced call costs microseconds, whatever the server does
    expect(await flushTraces(20_000)).toBe(true);
    expect(s.state.traces.size).toBe(200);
    expect(statsOf('mlflow')).toMatchObject({ exported: 200, dropped: 0 });
  });

  it('spools traces while the server is down and delivers them when it is back', async () => {
    const s = await setUp();
    await s.stop();
    const ids = traceMany(30);
    expect(await flushTraces(15_000)).toBe(true); // down: undelivered traces go to the spool, flush does not hang
    expect(statsOf('mlflow')).toMatchObject({
      exported: 0,
      spooled: 30,
      inSpool: 30,
      dropped: 0,
      pending: 0,
    });
    await s.start();
    await waitFor(() => statsOf('mlflow').exported === 30, 15_000, 'delivery after the server is back');
    expect(ids.every((id) => s.state.traces.has(id))).toBe(true);
    expect(statsOf('mlflow')).toMatchObject({ inSpool: 0, dropped: 0 });
  });

  it('keeps memory bounded under a burst to a slow server, spooling the overflow, and loses nothing', {
    timeout: 120_000,
  }, async () => {
    const s = await setUp({ maxQueueTraces: 100 });
    s.failNext({ delayMs: 200, times: 20 });
    const heapBefore = process.memoryUsage().heapUsed;
    let maxPending = 0;
    const ids: string[] = [];
    for (let round = 0; round < 10; round++) {
      ids.push(...traceMany(300, 'burst'));
      await new Promise((r) => setImmediate(r));
      maxPending = Math.max(maxPending, ...getExportStats().map((x) => x.pending));
    }
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    expect(maxPending).toBeLessThanOrEqual(100 + 64);
    expect(statsOf('mlflow').spooled).toBeGreaterThan(0);
    await waitFor(
      async () => (await flushTraces(5_000)) && statsOf('mlflow').exported === 3000,
      90_000,
      'all 3000 traces delivered',
    );
    expect(statsOf('mlflow')).toMatchObject({ dropped: 0, inSpool: 0 });
    expect(ids.every((id) => s.state.traces.has(id))).toBe(true);
    console.log(
      `burst of 3000 traces: at most ${maxPending} in memory, ${statsOf('mlflow').spooled} spooled, heap +${heapGrowthMb.toFixed(1)} MiB during the burst`,
    );
  });
});
