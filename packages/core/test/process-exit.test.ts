/**
 * Nothing is lost when the process ends: child processes trace through the public API into a
 * local store (AUTOLOG_STORE), then end normally, call process.exit, or get a signal.
 */

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LocalStore } from '../src/store/index.js';
import type { TraceRecord } from '../src/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..');
const fixture = join(here, 'fixtures', 'traced-app.ts');
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

interface App {
  child: ChildProcessWithoutNullStreams;
  /** Resolves when stdout has a line equal to `line`; rejects if the process ends first or after `timeoutMs`. */
  waitForLine(line: string, timeoutMs?: number): Promise<void>;
  /** Resolves when the process has exited and its output is closed; kills it after `timeoutMs`. */
  exited(timeoutMs?: number): Promise<Exit>;
}

function startApp(dbPath: string, args: string[]): App {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', tsxLoader, '--conditions=source', fixture, ...args], {
    cwd: packageDir,
    env: { ...process.env, AUTOLOG_STORE: dbPath, AUTOLOG_LOG_LEVEL: 'info' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const closed = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started }));
  });
  return {
    child,
    waitForLine(line, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const hasLine = () => stdout.split('\n').includes(line);
        const timer = setTimeout(
          () =>
            done(new Error(`no "${line}" line within ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`)),
          timeoutMs,
        );
        const onData = () => hasLine() && done();
        const onClose = () =>
          done(new Error(`process ended before printing "${line}"; stdout: ${stdout} stderr: ${stderr}`));
        function done(err?: Error) {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          child.off('close', onClose);
          if (err) reject(err);
          else resolve();
        }
        child.stdout.on('data', onData);
        child.once('close', onClose);
        if (hasLine()) done();
      });
    },
    async exited(timeoutMs = 15_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(
            new Error(`process did not exit within ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`),
          );
        }, timeoutMs);
      });
      try {
        return await Promise.race([closed, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** A store path in a fresh temp directory, removed when the test ends. */
function tempStore(onTestFinished: (fn: () => void) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'autolog-exit-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'store', 'traces.db');
}

function runApp(dbPath: string, args: string[]): Promise<Exit> {
  return startApp(dbPath, args).exited();
}

/** Every trace in the store, whole. */
function readStore(dbPath: string): TraceRecord[] {
  const store = new LocalStore({ path: dbPath });
  try {
    return store.listTraces({ limit: 10_000 }).map((info) => store.getTrace(info.traceId)!);
  } finally {
    store.close();
  }
}

/** Each trace as its span names, root first then the rest sorted, the list sorted. */
function shapes(traces: TraceRecord[]): string[][] {
  return traces
    .map((t) => {
      const root = t.data.spans.find((s) => s.parentId === null);
      const rest = t.data.spans
        .filter((s) => s !== root)
        .map((s) => s.name)
        .sort();
      return [root?.name ?? '(no root)', ...rest];
    })
    .sort((a, b) => a.join().localeCompare(b.join()));
}

const REQUEST = ['handle-request', 'generate', 'retrieve'];
const SYNC_REQUEST = ['handle-sync', 'lookup', 'retrieve'];
const repeat = <T>(n: number, value: T): T[] => Array.from({ length: n }, () => value);

/** Root inputs `{ i }` of the traces with this root name, sorted. */
function rootInputs(traces: TraceRecord[], rootName: string): number[] {
  return traces
    .map((t) => t.data.spans.find((s) => s.parentId === null)!)
    .filter((root) => root.name === rootName)
    .map((root) => (root.inputs as { i: number }).i)
    .sort((a, b) => a - b);
}

// Each test runs its own child processes against its own store, so they run concurrently.
describe.concurrent('traces are not lost when the process ends', { timeout: 20_000 }, () => {
  it('writes every trace when the app ends normally without init() or flushTraces()', async ({
    expect,
    onTestFinished,
  }) => {
    const dbPath = tempStore(onTestFinished);
    const exit = await runApp(dbPath, ['natural', '5']);
    expect(exit.stderr).toBe('');
    expect(exit.code).toBe(0);
    const traces = readStore(dbPath);
    expect(shapes(traces)).toEqual([...repeat(5, REQUEST), SYNC_REQUEST]);
    expect(rootInputs(traces, 'handle-request')).toEqual([0, 1, 2, 3, 4]);
    for (const t of traces) expect(t.info.state).toBe('OK');
  });

  it('writes the traces finished in the same tick as process.exit(0) (synchronous exit hook)', async ({
    expect,
    onTestFinished,
  }) => {
    const dbPath = tempStore(onTestFinished);
    const exit = await runApp(dbPath, ['exit', '4']);
    expect(exit.stderr).toBe('');
    expect(exit.code).toBe(0);
    const traces = readStore(dbPath);
    expect(shapes(traces)).toEqual([REQUEST, ...repeat(3, SYNC_REQUEST)]);
    expect(rootInputs(traces, 'handle-sync')).toEqual([0, 1, 2]);
    expect(rootInputs(traces, 'handle-request')).toEqual([3]);
  });

  it('writes the traces and still dies by SIGTERM, promptly, when SIGTERM arrives while idle', async ({
    expect,
    onTestFinished,
  }) => {
    const dbPath = tempStore(onTestFinished);
    const app = startApp(dbPath, ['sigterm', '6']);
    await app.waitForLine('ready');
    const signalledAt = Date.now();
    app.child.kill('SIGTERM');
    const exit = await app.exited(10_000);
    const afterSignalMs = Date.now() - signalledAt;
    expect(exit.stdout).not.toContain('timed out');
    expect(exit.stderr).toBe('');
    expect(exit.signal === 'SIGTERM' || exit.code === 143, `exit ${exit.code} / ${exit.signal}`).toBe(true);
    expect(afterSignalMs).toBeLessThan(5_000);
    const traces = readStore(dbPath);
    expect(shapes(traces)).toEqual(repeat(6, REQUEST));
  });

  for (const order of ['before', 'after'] as const) {
    it(`runs the app's own SIGINT handler (installed ${order} init) and keeps its exit code, with the traces written`, async ({
      expect,
      onTestFinished,
    }) => {
      const dbPath = tempStore(onTestFinished);
      const app = startApp(dbPath, [`sigint-${order}`, '3']);
      await app.waitForLine('ready');
      app.child.kill('SIGINT');
      const exit = await app.exited(10_000);
      expect(exit.stderr).toBe('');
      expect(exit.stdout.split('\n')).toContain('app-handler');
      expect(exit.code).toBe(7);
      expect(exit.signal).toBeNull();
      expect(shapes(readStore(dbPath))).toEqual(repeat(3, REQUEST));
    });
  }

  it('writes a trace whose root returned while a child span was still open, marking the child unfinished', async ({
    expect,
    onTestFinished,
  }) => {
    const dbPath = tempStore(onTestFinished);
    const exit = await runApp(dbPath, ['open-child', '1']);
    expect(exit.stderr).toBe('');
    expect(exit.code).toBe(0);
    const traces = readStore(dbPath);
    expect(shapes(traces)).toEqual([SYNC_REQUEST, ['kick-off', 'slow-child']]);
    const kickOff = traces.find((t) => t.info.tags?.['mlflow.traceName'] === 'kick-off')!;
    const child = kickOff.data.spans.find((s) => s.name === 'slow-child')!;
    expect(child.attributes['autolog.unfinished']).toBe(true);
    expect(child.status.code).toBe('ERROR');
  });
});

describe('two processes tracing into one store at once', { timeout: 25_000 }, () => {
  it('keeps all 600 traces with 3 spans each', async ({ onTestFinished }) => {
    const dbPath = tempStore(onTestFinished);
    const apps = ['a', 'b'].map((label) => startApp(dbPath, ['writer', '300', label]));
    await Promise.all(apps.map((app) => app.waitForLine('ready')));
    for (const app of apps) app.child.stdin.end('go\n');
    const exits = await Promise.all(apps.map((app) => app.exited(20_000)));
    for (const exit of exits) {
      expect(exit.stderr).toBe('');
      expect(exit.code).toBe(0);
      const report = JSON.parse(exit.stdout.trim().split('\n').at(-1)!);
      expect(report.flushed).toBe(true);
      expect(report.stats).toEqual([
        expect.objectContaining({ destination: 'sqlite', exported: 300, dropped: 0, pending: 0 }),
      ]);
    }

    const traces = readStore(dbPath);
    expect(traces).toHaveLength(600);
    expect(new Set(traces.map((t) => t.info.traceId)).size).toBe(600);
    for (const t of traces) expect(t.data.spans).toHaveLength(3);
    expect(shapes(traces)).toEqual(repeat(600, REQUEST));
    const inputs = rootInputs(traces, 'handle-request');
    expect(inputs.filter((i, n) => i === Math.floor(n / 2))).toHaveLength(600); // each i twice
  });
});
