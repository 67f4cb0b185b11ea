/** Starts the loopback sink in a child process and talks to it over IPC. */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';

export interface KeyStats {
  requests: number;
  bytes: number;
  /** Spans (OTLP JSON) or distinct runs (LangSmith) received under this key. */
  spans: number;
  parseErrors: number;
  paths: Record<string, number>;
}

export interface Sink {
  /** `http://127.0.0.1:<port>`; adapters append their own first path segment. */
  url: string;
  stats(): Promise<Record<string, KeyStats>>;
  reset(key?: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * An OTLP/HTTP exporter (JSON, the exporter's default) to the sink, whose spans it counts under
 * `key`: how the OpenTelemetry-based libraries deliver their spans, as an app would.
 */
export function otlpToSink(sinkUrl: string, key: string): OTLPTraceExporter {
  return new OTLPTraceExporter({ url: `${sinkUrl}/${key}/v1/traces` });
}

export async function startSink(): Promise<Sink> {
  const entry = fileURLToPath(new URL('./sink-child.ts', import.meta.url));
  const child: ChildProcess = fork(entry, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env },
  });
  let nextId = 1;
  const pending = new Map<number, (msg: { stats?: Record<string, KeyStats> }) => void>();
  const port = await new Promise<number>((resolve, reject) => {
    const onMsg = (m: { type: string; port?: number }) => {
      if (m.type === 'ready') {
        child.off('message', onMsg);
        resolve(m.port ?? 0);
      }
    };
    child.on('message', onMsg);
    child.once('exit', (code) => reject(new Error(`sink exited early (code ${code})`)));
  });
  child.on('message', (m: { type: string; id?: number; stats?: Record<string, KeyStats> }) => {
    if (m.type === 'reply' && m.id !== undefined) {
      pending.get(m.id)?.(m);
      pending.delete(m.id);
    }
  });

  const call = (type: string, extra: Record<string, unknown> = {}) =>
    new Promise<{ stats?: Record<string, KeyStats> }>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      child.send({ type, id, ...extra });
    });

  return {
    url: `http://127.0.0.1:${port}`,
    async stats() {
      return (await call('stats')).stats ?? {};
    },
    async reset(key?: string) {
      await call('reset', key ? { key } : {});
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      await Promise.race([call('stop'), new Promise((r) => setTimeout(r, 500))]);
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
