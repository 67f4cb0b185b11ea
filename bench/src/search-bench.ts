/**
 * Search and statistics over 100,000 traces in the local store.
 *
 *   cd bench && pnpm run build:deps && node --import tsx src/search-bench.ts
 *
 * Seeds a temporary store (batched `LocalStore.export`, 3 spans per trace, 500 users, sessions
 * of 4 turns, 5 app versions, 2 environments, ~6 % errors, 30 days of traffic), then times the
 * median of 20 runs (after 3 warm-up runs) of each call and prints a table with the warm-up runs
 * too (the first statistics call runs in SQL, the second builds the in-memory column cache). Targets (issue 3):
 * a metadata key plus a time range, first page of 100, under 20 ms; grouped statistics under
 * 200 ms. `SEARCH_BENCH_TRACES` changes the size.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalStore, type SpanData, type TraceRecord, TracingClient } from '@autolog/core';
import { median } from './stats.js';

const N = Number(process.env.SEARCH_BENCH_TRACES ?? 100_000);
const RUNS = 20;
const WARMUP = 3;
const BATCH = 5_000;
const NOW = Number(process.env.SEARCH_BENCH_NOW ?? Date.now());
const SPAN_MS = 30 * 86_400_000;
const MS = 1_000_000;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
/** Random-looking but reproducible hex, like real OpenTelemetry ids and thread ids. */
function idHex(kind: string, n: number, chars: number): string {
  let out = '';
  for (let chunk = 0; out.length < chars; chunk++) {
    let h =
      Math.imul(n ^ (kind.length * 0x9e3779b1) ^ (kind.charCodeAt(0) << 8), 0x85ebca6b) ^
      Math.imul(chunk + 1, 0xc2b2ae35);
    h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
    h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
    out += ((h ^ (h >>> 16)) >>> 0).toString(16).padStart(8, '0');
  }
  return out.slice(0, chars);
}
const lorem = (i: number, words: number) =>
  Array.from({ length: words }, (_, w) => `word${(i * 31 + w * 7) % 997}`).join(' ');

/** One realistic trace: a chain, a retriever and a chat model with token usage and cost. */
function makeTrace(i: number): TraceRecord {
  const traceId = `tr-${idHex('trace', i, 32)}`;
  const requestTime = NOW - SPAN_MS + Math.floor((i * SPAN_MS) / N);
  const duration = 200 + ((i * 7919) % 4000);
  const failed = i % 17 === 0;
  const question = { messages: [{ role: 'user', content: `Question ${i}: ${lorem(i, 30)}` }] };
  const answer = { role: 'assistant', content: `Answer ${i}: ${lorem(i + 1, 40)}` };
  const start = requestTime * MS;
  const span = (
    n: number,
    name: string,
    spanType: string,
    from: number,
    to: number,
    extra: Partial<SpanData>,
  ): SpanData => ({
    traceId,
    spanId: `${idHex('span', i, 12)}${hex(n, 4)}`,
    parentId: n === 0 ? null : `${idHex('span', i, 12)}0000`,
    name,
    spanType,
    startTimeNs: start + from * MS,
    endTimeNs: start + to * MS,
    status: { code: 'OK' },
    attributes: {},
    events: [],
    ...extra,
  });
  const usage = {
    input_tokens: 300 + (i % 200),
    output_tokens: 80 + (i % 50),
    total_tokens: 380 + (i % 200) + (i % 50),
  };
  const cost = {
    input_cost: usage.input_tokens * 1.5e-7,
    output_cost: usage.output_tokens * 6e-7,
    total_cost: usage.input_tokens * 1.5e-7 + usage.output_tokens * 6e-7,
  };
  const spans = [
    span(0, 'chat', 'CHAIN', 0, duration, {
      inputs: question,
      outputs: failed ? undefined : answer,
      status: failed ? { code: 'ERROR', message: 'upstream timeout' } : { code: 'OK' },
    }),
    span(1, 'retrieve', 'RETRIEVER', 2, 40, {
      inputs: { query: `q${i}` },
      outputs: [{ page_content: lorem(i + 2, 25) }],
    }),
    span(2, 'openai.chat', 'CHAT_MODEL', 45, duration - 5, {
      inputs: question,
      outputs: failed ? undefined : answer,
      attributes: {
        'mlflow.chat.tokenUsage': usage,
        'mlflow.llm.cost': cost,
        'mlflow.llm.model': 'gpt-4o-mini',
      },
      ...(failed
        ? {
            status: { code: 'ERROR' as const, message: 'upstream timeout' },
            events: [
              {
                name: 'exception',
                timeNs: start + duration * MS,
                attributes: { 'exception.type': 'APITimeoutError', 'exception.message': 'upstream timeout' },
              },
            ],
          }
        : {}),
    }),
  ];
  return {
    info: {
      traceId,
      clientRequestId: `thread_${idHex('thread', i, 24)}`,
      experimentId: '0',
      requestTime,
      executionDuration: duration,
      state: failed ? 'ERROR' : 'OK',
      traceMetadata: {
        'mlflow.trace.user': `user-${i % 500}@example.com`,
        'mlflow.trace.session': `session_${idHex('session', Math.floor(i / 4), 24)}`,
        app_version: `1.${i % 5}.0`,
        'mlflow.source.type': i % 3 ? 'production' : 'staging',
        'mlflow.source.name': 'app.ts',
        'mlflow.trace_schema.version': '3',
        'mlflow.trace.tokenUsage': JSON.stringify(usage),
        'mlflow.trace.cost': JSON.stringify(cost),
      },
      tags: { 'mlflow.traceName': 'chat', query_category: i % 4 ? 'chat' : 'support' },
      assessments: [],
      requestPreview: JSON.stringify(question),
      responsePreview: failed ? undefined : JSON.stringify(answer),
      tokenUsage: usage,
    },
    data: { spans },
  };
}

async function time(
  fn: () => Promise<unknown>,
): Promise<{ warmups: number[]; median: number; min: number; max: number; result: unknown }> {
  let result: unknown;
  const warmups: number[] = [];
  for (let i = 0; i < WARMUP; i++) {
    const t0 = performance.now();
    result = await fn();
    warmups.push(performance.now() - t0);
  }
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    result = await fn();
    times.push(performance.now() - t0);
  }
  return { warmups, median: median(times), min: Math.min(...times), max: Math.max(...times), result };
}

/** Seeds the store at `path`; runs in a child process, so measuring starts with a fresh heap and connection. */
function seed(path: string): void {
  const store = new LocalStore({ path });
  const db = store.database;
  // Seeding only: a large page cache and no fsync per commit; one checkpoint with fsync at the end.
  db.pragma('cache_size = -262144');
  db.pragma('synchronous = OFF');
  for (let i = 0; i < N; i += BATCH) {
    const batch: TraceRecord[] = [];
    for (let j = i; j < Math.min(N, i + BATCH); j++) batch.push(makeTrace(j));
    store.export(batch);
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'autolog-search-bench-'));
  const path = join(dir, 'traces.db');
  const seedStart = performance.now();
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, SEARCH_BENCH_SEED: path, SEARCH_BENCH_NOW: String(NOW) },
    stdio: 'inherit',
  });
  if (child.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`seeding failed (exit ${child.status ?? child.signal})`);
  }
  const seedMs = performance.now() - seedStart;
  const store = new LocalStore({ path });
  try {
    const client = new TracingClient({ store });
    const weekAgo = NOW - 7 * 86_400_000;

    const rows: Array<[string, Awaited<ReturnType<typeof time>>, number | undefined, string]> = [];
    const add = async (
      label: string,
      target: number | undefined,
      fn: () => Promise<unknown>,
      describe: (r: unknown) => string,
    ) => {
      const t = await time(fn);
      rows.push([label, t, target, describe(t.result)]);
    };
    type Page = { traces: unknown[]; nextPageToken?: string };
    const pageInfo = (r: unknown) =>
      `${(r as Page).traces.length} traces${(r as Page).nextPageToken ? ', more' : ''}`;

    await add(
      'search: metadata user + time range, first page of 100',
      20,
      () =>
        client.searchTraces({
          filterString: `metadata.\`mlflow.trace.user\` = 'user-42@example.com' AND trace.timestamp_ms > ${NOW - SPAN_MS / 2}`,
          maxResults: 100,
        }),
      pageInfo,
    );
    await add(
      'search: same, then reading every span of the page',
      undefined,
      async () => {
        const page = await client.searchTraces({
          filterString: `metadata.\`mlflow.trace.user\` = 'user-42@example.com' AND trace.timestamp_ms > ${NOW - SPAN_MS / 2}`,
          maxResults: 100,
        });
        let spans = 0;
        for (const t of page.traces) spans += t.data.spans.length;
        return { ...page, spans };
      },
      (r) => `${pageInfo(r)}, ${(r as { spans: number }).spans} spans`,
    );
    await add(
      'search: common metadata value + last 7 days, first 100',
      undefined,
      () =>
        client.searchTraces({
          filterString: `metadata.\`mlflow.source.type\` = 'production' AND trace.timestamp_ms > ${weekAgo}`,
          maxResults: 100,
        }),
      pageInfo,
    );
    await add(
      'search: status = ERROR, first 100, no spans',
      undefined,
      () =>
        client.searchTraces({ filterString: "trace.status = 'ERROR'", maxResults: 100, includeSpans: false }),
      pageInfo,
    );
    await add(
      'stats: grouped by metadata.app_version (all traces)',
      200,
      () => client.getTraceStats({ groupBy: 'metadata.app_version' }),
      (r) => `${(r as unknown[]).length} groups`,
    );
    await add(
      'stats: grouped by user, last 7 days',
      undefined,
      () =>
        client.getTraceStats({
          groupBy: 'metadata.`mlflow.trace.user`',
          filterString: `trace.timestamp_ms > ${weekAgo}`,
        }),
      (r) => `${(r as unknown[]).length} groups`,
    );
    await add(
      'session timeline (4 turns)',
      undefined,
      () => client.getSessionTimeline(`session_${idHex('session', 1234, 24)}`),
      (r) => `${(r as { turns: unknown[] }).turns.length} turns`,
    );
    await add(
      'error groups, last 7 days',
      undefined,
      () => client.getErrorGroups({ filterString: `trace.timestamp_ms > ${weekAgo}` }),
      (r) => `${(r as unknown[]).length} groups`,
    );

    const load = loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
    console.log(
      `\nAutolog local store: ${N.toLocaleString('en-US')} traces seeded in ${(seedMs / 1000).toFixed(1)} s; median of ${RUNS} runs after ${WARMUP} warm-up runs (the warm-up runs are shown too: the first statistics call runs in SQL, the second builds the column cache); load average ${load} on ${cpus().length} CPUs\n`,
    );
    const header = ['call', 'median', 'min', 'max', 'warm-up runs', 'target', 'result'];
    const table = rows.map(([label, t, target, result]) => [
      label,
      `${t.median.toFixed(2)} ms`,
      `${t.min.toFixed(2)} ms`,
      `${t.max.toFixed(2)} ms`,
      `${t.warmups.map((w) => w.toFixed(0)).join(' / ')} ms`,
      target === undefined ? '—' : `< ${target} ms ${t.median < target ? 'PASS' : 'FAIL'}`,
      result,
    ]);
    const widths = header.map((h, c) => Math.max(h.length, ...table.map((r) => r[c].length)));
    const line = (cells: string[]) => `| ${cells.map((x, c) => x.padEnd(widths[c])).join(' | ')} |`;
    console.log(line(header));
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const r of table) console.log(line(r));
    const failed = rows.some(([, t, target]) => target !== undefined && t.median >= target);
    if (failed) process.exitCode = 1;
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env.SEARCH_BENCH_SEED) seed(process.env.SEARCH_BENCH_SEED);
else await main();
