/**
 * Nothing is lost across a restart: a child app traces to an MLflow server that is down (or
 * hangs), ends (normally, or by SIGTERM) within the shutdown bound with its traces in the
 * spool, and the next run delivers them once the server is up.
 */

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type MlflowServer, startMlflowServer } from '@autolog/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { DestinationStats } from '../../src/index.js';
import { tmpSpool } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, '..', 'fixtures', 'network-app.ts');
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  ms: number;
  stats?: DestinationStats[];
}

function runApp(
  env: Record<string, string>,
  args: string[],
  onReady?: (kill: (s: NodeJS.Signals) => void) => void,
): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', tsx, '--conditions=source', fixture, ...args], {
    cwd: join(here, '..', '..'),
    env: { ...process.env, AUTOLOG_LOG_LEVEL: 'warn', ...env },
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    if (onReady && stdout.includes('ready\n')) {
      onReady((s) => child.kill(s));
      onReady = undefined;
    }
  });
  child.stderr.resume();
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      const line = stdout.split('\n').find((l) => l.startsWith('stats '));
      resolve({
        code,
        signal,
        stdout,
        ms: Date.now() - started,
        ...(line ? { stats: JSON.parse(line.slice(6)) } : {}),
      });
    });
  });
}

let server: MlflowServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('delivery across a process restart', { timeout: 120_000 }, () => {
  it('spools at normal exit while the server is down; the next run delivers everything', async () => {
    server = await startMlflowServer();
    await server.stop();
    const env = {
      MLFLOW_TRACKING_URI: server.url,
      AUTOLOG_SPOOL: tmpSpool(),
      AUTOLOG_SHUTDOWN_TIMEOUT_MS: '3000',
    };
    const first = await runApp(env, ['natural', '25']);
    expect(first.code).toBe(0);
    expect(first.ms).toBeLessThan(20_000);
    expect(first.stats?.[0]).toMatchObject({ destination: 'mlflow', exported: 0, spooled: 25, dropped: 0 });
    await server.start();
    const second = await runApp(env, ['deliver']);
    expect(second.stats?.[0]).toMatchObject({ exported: 25, inSpool: 0, dropped: 0 });
    expect(server.state.traces.size).toBe(25);
  });

  it('spools on SIGTERM, still dies by the signal within the bound, and the next run delivers', async () => {
    server = await startMlflowServer();
    await server.stop();
    const env = {
      MLFLOW_TRACKING_URI: server.url,
      AUTOLOG_SPOOL: tmpSpool(),
      AUTOLOG_SHUTDOWN_TIMEOUT_MS: '2000',
    };
    let signalled = 0;
    const first = await runApp(env, ['sigterm', '10'], (kill) => {
      signalled = Date.now();
      kill('SIGTERM');
    });
    expect(first.signal).toBe('SIGTERM');
    expect(Date.now() - signalled).toBeLessThan(2000 + 3000);
    await server.start();
    const second = await runApp(env, ['deliver']);
    expect(second.stats?.[0]).toMatchObject({ exported: 10, inSpool: 0 });
    expect(server.state.traces.size).toBe(10);
  });

  it('does not let a hanging server hold the exit past the shutdown bound', async () => {
    server = await startMlflowServer();
    server.failNext({ delayMs: 30_000, times: 100 });
    const env = {
      MLFLOW_TRACKING_URI: server.url,
      AUTOLOG_SPOOL: tmpSpool(),
      AUTOLOG_SHUTDOWN_TIMEOUT_MS: '1500',
    };
    const run = await runApp(env, ['natural', '5']);
    expect(run.code).toBe(0);
    expect(run.ms).toBeLessThan(1500 + 8000); // start-up of tsx included
    expect(run.stats?.[0]).toMatchObject({ spooled: 5, dropped: 0 });
  });
});
