import { existsSync, readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { type MlflowServer, startMlflowServer } from '@autolog/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { flushTraces, init, MlflowDestination } from '../../src/index.js';
import { captureLogs, statsOf, tmpSpool, traceMany } from './helpers.js';

const PASSWORD = 'pw-0f7c2b9e41d84a6f';
const TOKEN = 'tok-9a1d6c3e8b274f5a';
let server: MlflowServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const k of [
    'MLFLOW_TRACKING_URI',
    'MLFLOW_TRACKING_TOKEN',
    'MLFLOW_TRACKING_USERNAME',
    'MLFLOW_TRACKING_PASSWORD',
    'MLFLOW_EXPERIMENT_NAME',
  ])
    delete process.env[k];
});

describe('MLflow authentication', () => {
  it('uses basic auth from MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD with MLFLOW_TRACKING_URI', async () => {
    server = await startMlflowServer({ auth: { username: 'ana', password: PASSWORD } });
    Object.assign(process.env, {
      MLFLOW_TRACKING_URI: server.url,
      MLFLOW_TRACKING_USERNAME: 'ana',
      MLFLOW_TRACKING_PASSWORD: PASSWORD,
      MLFLOW_EXPERIMENT_NAME: 'env-exp',
    });
    init({ silent: true, spool: tmpSpool() });
    const [id] = traceMany(1);
    expect(await flushTraces(10_000)).toBe(true);
    expect(server.state.traces.has(id)).toBe(true);
    expect(server.state.experimentByName('env-exp')).toBeDefined();
    expect(server.requests.every((r) => r.status !== 401 && r.headers.authorization === '[present]')).toBe(
      true,
    );
  });

  it('uses a bearer token from MLFLOW_TRACKING_TOKEN, and basic auth given in the URI', async () => {
    server = await startMlflowServer({ auth: { token: TOKEN } });
    process.env.MLFLOW_TRACKING_TOKEN = TOKEN;
    init({ silent: true, destination: server.url, spool: tmpSpool() });
    traceMany(1);
    await flushTraces(10_000);
    expect(server.state.traces.size).toBe(1);
    await server.close();
    server = await startMlflowServer({ auth: { username: 'bo', password: PASSWORD } });
    delete process.env.MLFLOW_TRACKING_TOKEN;
    const withUserInfo = server.url.replace('http://', `http://bo:${PASSWORD}@`);
    const { destinations } = init({ silent: true, destination: withUserInfo, spool: tmpSpool() });
    traceMany(1);
    await flushTraces(10_000);
    expect(server.state.traces.size).toBe(1);
    expect((destinations[0] as MlflowDestination).trackingUri).toBe(server.url);
  });

  it('refuses wrong credentials without retrying, and the secret appears in no error, log, spool or description', async () => {
    server = await startMlflowServer({ auth: { username: 'ana', password: 'right-password' } });
    const spool = tmpSpool();
    const { result: destination, lines } = await captureLogs(async () => {
      const d = new MlflowDestination({ trackingUri: server!.url, username: 'ana', password: PASSWORD });
      init({ destination: d, spool });
      traceMany(3);
      await flushTraces(10_000);
      return d;
    });
    expect(statsOf('mlflow')).toMatchObject({ exported: 0, dropped: 3, retried: 0, spooled: 0 });
    expect(statsOf('mlflow').lastError).toContain('401');
    expect(statsOf('mlflow').lastError).toContain('You are not authenticated');
    const basic = Buffer.from(`ana:${PASSWORD}`).toString('base64');
    const everything = [
      JSON.stringify(statsOf('mlflow')),
      ...lines,
      JSON.stringify(destination),
      inspect(destination, { depth: 10, showHidden: true }),
      JSON.stringify(server.requests),
    ].join('\n');
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(basic);
    if (existsSync(spool)) expect(readFileSync(spool).toString('latin1')).not.toContain(PASSWORD);
  });
});
