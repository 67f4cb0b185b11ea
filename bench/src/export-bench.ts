/**
 * Export throughput to the network destinations, and what tracing costs the app meanwhile.
 *
 *   cd bench && pnpm run build:deps && node --import tsx src/export-bench.ts   (also run by `pnpm bench`)
 *
 * For each destination — MLflow with spans in the tracking store (`/v1/traces`), MLflow with
 * `traces.json` artifacts, OTLP protobuf, OTLP JSON, and the local store for reference — the
 * app traces N small requests (a CHAIN root, a RETRIEVER and a CHAT_MODEL child with token
 * usage; ~1 KB of content), yielding every 100, then waits for `flushTraces()`. Reported:
 * traces/s from the first trace to the end of the flush; the app-thread time per trace (the
 * traced loop only: what the app's call path pays); and all-in CPU per trace in this process
 * (tracing, serialisation, HTTP client). The servers run in a child process (testkit's MLflow
 * server and OTLP collector over loopback), so their CPU is not counted. `EXPORT_BENCH_TRACES`
 * sets N (default 5,000; 1,000 with BENCH_QUICK=1).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { flushTraces, getExportStats, init, OtlpDestination, trace, withSpan } from '@autolog/core';
import { renderTable } from './stats.js';

const N = Number(process.env.EXPORT_BENCH_TRACES ?? (process.env.BENCH_QUICK === '1' ? 1_000 : 5_000));
const here = dirname(fileURLToPath(import.meta.url));

async function startSinks(): Promise<{
  urls: { trackingStore: string; artifacts: string; otlp: string };
  stop: () => void;
}> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawn(
    process.execPath,
    ['--import', tsx, '--conditions=source', join(here, 'export-sinks-child.ts')],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.on('exit', (code) => reject(new Error(`sink child exited with ${code}`)));
  });
  return { urls: JSON.parse(line), stop: () => child.stdin.end() };
}

const retrieve = trace((q: string) => [`doc about ${q}`, `another doc about ${q}`], {
  name: 'retrieve',
  spanType: 'RETRIEVER',
});
const request = trace(
  async (i: number) => {
    const docs = retrieve(`question ${i}`);
    return withSpan(
      (span) => {
        span.setAttribute('mlflow.chat.tokenUsage', {
          input_tokens: 120,
          output_tokens: 40,
          total_tokens: 160,
        });
        return `answer ${i} from ${docs.length} docs: ${'lorem ipsum '.repeat(30)}`;
      },
      {
        name: 'chat',
        spanType: 'CHAT_MODEL',
        inputs: {
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: `question ${i} ${'context '.repeat(40)}` }],
        },
      },
    );
  },
  { name: 'request', spanType: 'CHAIN' },
);

async function run(label: string, destination: NonNullable<Parameters<typeof init>[0]>['destination']) {
  init({
    silent: true,
    destination,
    spool: join(mkdtempSync(join(tmpdir(), 'export-bench-')), 'spool.db'),
    maxQueueTraces: 100_000,
  });
  for (let i = 0; i < 200; i++) await request(i); // warm-up: connections, JIT, experiment look-up
  await flushTraces(60_000);
  const before = getExportStats()[0]?.exported ?? 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let appMs = 0;
  for (let i = 0; i < N; i += 100) {
    const s = performance.now();
    for (let j = i; j < Math.min(N, i + 100); j++) await request(j);
    appMs += performance.now() - s;
    await new Promise((r) => setImmediate(r));
  }
  const done = await flushTraces(300_000);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const stats = getExportStats()[0];
  return {
    label,
    delivered: `${(stats?.exported ?? 0) - before}/${N}${done ? '' : ' (flush timed out)'}`,
    tps: N / (wallMs / 1000),
    appUs: (appMs * 1000) / N,
    cpuUs: (cpu.user + cpu.system) / N,
    spooled: stats?.spooled ?? 0,
    dropped: stats?.dropped ?? 0,
  };
}

const sinks = await startSinks();
try {
  const rows = [];
  rows.push(
    await run(
      'local store (reference)',
      `sqlite://${join(mkdtempSync(join(tmpdir(), 'export-bench-')), 'bench.db')}`,
    ),
  );
  rows.push(await run('MLflow, spans → /v1/traces', sinks.urls.trackingStore));
  rows.push(await run('MLflow, traces.json artifacts', sinks.urls.artifacts));
  rows.push(
    await run(
      'OTLP http/protobuf',
      new OtlpDestination({ url: `${sinks.urls.otlp}/v1/traces`, protocol: 'http/protobuf' }),
    ),
  );
  rows.push(
    await run(
      'OTLP http/json',
      new OtlpDestination({ url: `${sinks.urls.otlp}/v1/traces`, protocol: 'http/json' }),
    ),
  );
  console.log(
    `\n== Export throughput: ${N} traces of 3 spans each, servers on loopback in a child process ==`,
  );
  console.log(
    renderTable(
      [
        'destination',
        'delivered',
        'traces/s',
        'app thread µs/trace',
        'all-in CPU µs/trace',
        'spooled',
        'dropped',
      ],
      rows.map((r) => [
        r.label,
        r.delivered,
        r.tps.toFixed(0),
        r.appUs.toFixed(1),
        r.cpuUs.toFixed(1),
        String(r.spooled),
        String(r.dropped),
      ]),
    ),
  );
} finally {
  sinks.stop();
}
process.exit(0);
