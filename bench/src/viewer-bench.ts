/**
 * The local viewer over 100,000 traces: server-side latency of the list and trace pages (and the
 * other API calls the pages make), and rendering a 2,000-span trace in headless Chromium.
 *
 *   cd bench && pnpm run build:deps && node --import tsx src/viewer-bench.ts
 *
 * Seeds a temporary store (batched `LocalStore.export`: 3 spans per trace, 500 users, sessions
 * of 4 turns, 5 app versions, 2 environments, ~6 % errors, 30 days) plus one agent trace of
 * 2,000 spans, starts the viewer on it and times HTTP round trips over loopback: median and p95
 * of 20 runs after 3 warm-ups. Then opens the 2,000-span trace in Chromium (Debian's
 * `/usr/bin/chromium`, skipped with a note when missing) and times, over 5 loads, the page from
 * navigation to the tree and span details shown, and the UI's own `autolog:trace-render` measure (JSON parsed
 * → tree, waterfall and span details in the DOM). `VIEWER_BENCH_TRACES` changes the size.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStore, type SpanData, type TraceRecord } from '@autolog/core';
import { startViewer } from '@autolog/viewer';
import { chromium } from 'playwright-core';
import { median } from './stats.js';

const N = Number(process.env.VIEWER_BENCH_TRACES ?? 100_000);
const RUNS = 20;
const WARMUP = 3;
const BATCH = 5_000;
const NOW = Date.now();
const RANGE_MS = 30 * 86_400_000;
const MS = 1_000_000;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const idHex = (kind: string, n: number, chars: number) =>
  createHash('sha256').update(`${kind}:${n}`).digest('hex').slice(0, chars);
const words = (i: number, n: number) =>
  Array.from({ length: n }, (_, w) => `word${(i * 31 + w * 7) % 997}`).join(' ');

function span(
  traceId: string,
  spanId: string,
  parentId: string | null,
  name: string,
  spanType: string,
  startNs: number,
  endNs: number,
  extra: Partial<SpanData> = {},
): SpanData {
  return {
    traceId,
    spanId,
    parentId,
    name,
    spanType,
    startTimeNs: startNs,
    endTimeNs: endNs,
    status: { code: 'OK' },
    attributes: {},
    events: [],
    ...extra,
  };
}

function info(
  i: number,
  traceId: string,
  requestTime: number,
  duration: number,
  failed: boolean,
  spans: number,
) {
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
  const question = { messages: [{ role: 'user', content: `Question ${i}: ${words(i, 30)}` }] };
  return {
    usage,
    cost,
    question,
    info: {
      traceId,
      experimentId: '0',
      requestTime,
      executionDuration: duration,
      state: failed ? ('ERROR' as const) : ('OK' as const),
      traceMetadata: {
        'mlflow.trace.user': `user-${i % 500}@example.com`,
        'mlflow.trace.session': `session_${idHex('session', Math.floor(i / 4), 24)}`,
        app_version: `1.${i % 5}.0`,
        'mlflow.source.type': i % 3 ? 'production' : 'staging',
        'mlflow.trace_schema.version': '3',
        'mlflow.trace.tokenUsage': JSON.stringify(usage),
        'mlflow.trace.cost': JSON.stringify(cost),
        'autolog.bench.spans': String(spans),
      },
      tags: { 'mlflow.traceName': 'chat' },
      assessments: [],
      requestPreview: JSON.stringify(question),
      responsePreview: failed
        ? undefined
        : JSON.stringify({ role: 'assistant', content: `Answer ${i}: ${words(i + 1, 40)}` }),
      tokenUsage: usage,
    },
  };
}

/** A chat turn: a chain, a retriever and a chat model with usage and cost. */
function chatTrace(i: number): TraceRecord {
  const traceId = `tr-${idHex('trace', i, 32)}`;
  const requestTime = NOW - RANGE_MS + Math.floor((i * RANGE_MS) / N);
  const duration = 200 + ((i * 7919) % 4000);
  const failed = i % 17 === 0;
  const t = info(i, traceId, requestTime, duration, failed, 3);
  const start = requestTime * MS;
  const id = (n: number) => `${idHex('span', i, 12)}000${n}`;
  const answer = { role: 'assistant', content: `Answer ${i}: ${words(i + 1, 40)}` };
  return {
    info: t.info,
    data: {
      spans: [
        span(traceId, id(0), null, 'chat', 'CHAIN', start, start + duration * MS, {
          inputs: t.question,
          outputs: failed ? undefined : answer,
          status: failed ? { code: 'ERROR', message: 'upstream timeout' } : { code: 'OK' },
        }),
        span(traceId, id(1), id(0), 'retrieve', 'RETRIEVER', start + 2 * MS, start + 40 * MS, {
          inputs: { query: `q${i}` },
          outputs: [{ page_content: words(i + 2, 25) }],
        }),
        span(
          traceId,
          id(2),
          id(0),
          'openai.chat',
          'CHAT_MODEL',
          start + 45 * MS,
          start + (duration - 5) * MS,
          {
            inputs: { model: 'gpt-4o-mini', messages: t.question.messages },
            outputs: failed ? undefined : { choices: [{ index: 0, message: answer, finish_reason: 'stop' }] },
            attributes: {
              'mlflow.chat.tokenUsage': t.usage,
              'mlflow.llm.cost': t.cost,
              'mlflow.llm.model': 'gpt-4o-mini',
            },
          },
        ),
      ],
    },
  };
}

/** An agent run of `count` spans: steps of a chain over a model call, a tool with a retriever, an embedding and a parser. */
function agentTrace(count: number): TraceRecord {
  const traceId = `tr-${idHex('agent', 0, 32)}`;
  const requestTime = NOW - 60_000;
  const start = requestTime * MS;
  const spans: SpanData[] = [];
  const id = (n: number) => idHex('agent-span', n, 16);
  const steps = Math.ceil((count - 1) / 6);
  const stepMs = 20;
  spans.push(
    span(traceId, id(0), null, 'agent', 'AGENT', start, start + steps * stepMs * MS, {
      inputs: { task: 'Plan a trip' },
    }),
  );
  let n = 1;
  for (let s = 0; s < steps && n < count; s++) {
    const t0 = start + s * stepMs * MS;
    const step = id(n++);
    spans.push(span(traceId, step, id(0), `step ${s}`, 'CHAIN', t0, t0 + 19 * MS));
    const kids: Array<[string, string, number, number, string | null]> = [
      ['chat.completions.create', 'CHAT_MODEL', 0, 8, step],
      ['search_flights', 'TOOL', 8, 17, step],
      ['vector_search', 'RETRIEVER', 9, 14, null],
      ['embed', 'EMBEDDING', 9, 10, null],
      ['parse', 'PARSER', 17, 18, step],
    ];
    let tool = step;
    for (const [name, type, from, to, parent] of kids) {
      if (n >= count) break;
      const sid = id(n++);
      if (type === 'TOOL') tool = sid;
      spans.push(
        span(traceId, sid, parent ?? tool, name, type, t0 + from * MS, t0 + to * MS, {
          inputs:
            type === 'CHAT_MODEL'
              ? { messages: [{ role: 'user', content: `step ${s}` }] }
              : { q: `step ${s}` },
          outputs:
            type === 'CHAT_MODEL'
              ? { choices: [{ message: { role: 'assistant', content: `thought ${s}` } }] }
              : { ok: true },
          attributes:
            type === 'CHAT_MODEL'
              ? { 'mlflow.chat.tokenUsage': { input_tokens: 100, output_tokens: 10, total_tokens: 110 } }
              : {},
        }),
      );
    }
  }
  const t = info(N, traceId, requestTime, steps * stepMs, false, spans.length);
  return { info: t.info, data: { spans } };
}

/** Progress on stderr, so the table on stdout stays clean. */
const progress = (what: string) => process.stderr.write(`viewer-bench: ${what}\n`);

const p95 = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(0.95 * xs.length) - 1)];

interface Row {
  label: string;
  median: number;
  p95: number;
  note: string;
}

async function timeHttp(
  url: string,
  status = 200,
): Promise<{ median: number; p95: number; body: any; bytes: number }> {
  let body: any;
  let bytes = 0;
  const times: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const t0 = performance.now();
    const res = await fetch(url);
    const text = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== status) throw new Error(`${url} answered ${res.status}: ${text.slice(0, 200)}`);
    if (i >= WARMUP) times.push(ms);
    bytes = text.length;
    body = JSON.parse(text);
  }
  return { median: median(times), p95: p95(times), body, bytes };
}

async function browserRows(url: string, agentId: string, spanCount: number): Promise<Row[]> {
  if (!existsSync(CHROMIUM)) {
    return [
      {
        label: `browser: ${spanCount}-span trace rendered`,
        median: Number.NaN,
        p95: Number.NaN,
        note: `skipped: no Chromium at ${CHROMIUM} (packages/viewer/scripts/ensure-chromium.sh)`,
      },
    ];
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const total: number[] = [];
    const render: number[] = [];
    const list: number[] = [];
    for (let i = 0; i < 6; i++) {
      await page.goto('about:blank');
      const t0 = performance.now();
      await page.goto(`${url}#/traces/${agentId}`);
      // Predicates run in the page; this program has no DOM types, hence `globalThis as any`.
      await page.waitForFunction(
        (n) => {
          const doc = (globalThis as any).document;
          return (
            doc.querySelector('.wf-body')?.dataset.rows === String(n) && !!doc.querySelector('.span-detail')
          );
        },
        spanCount,
        { timeout: 60_000 },
      );
      const ms = performance.now() - t0;
      const measure = await page.evaluate(
        () => performance.getEntriesByName('autolog:trace-render').at(-1)?.duration ?? Number.NaN,
      );
      await page.goto('about:blank');
      const l0 = performance.now();
      await page.goto(url);
      await page.waitForFunction(
        () => (globalThis as any).document.querySelectorAll('table.traces tbody tr').length === 50,
        undefined,
        { timeout: 60_000 },
      );
      const listMs = performance.now() - l0;
      if (i === 0) continue; // warm-up: first load of the bundle
      total.push(ms);
      render.push(measure);
      list.push(listMs);
    }
    return [
      {
        label: `browser: ${spanCount}-span trace, navigation → tree and details shown`,
        median: median(total),
        p95: p95(total),
        note: '5 loads, tree fully expanded (rows windowed)',
      },
      {
        label: `browser: ${spanCount}-span trace, JSON parsed → DOM built`,
        median: median(render),
        p95: p95(render),
        note: "the UI's autolog:trace-render measure",
      },
      {
        label: 'browser: list page, navigation → 50 rows shown',
        median: median(list),
        p95: p95(list),
        note: 'incl. config and first API page',
      },
    ];
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'autolog-viewer-bench-'));
  const path = join(dir, 'traces.db');
  const store = new LocalStore({ path });
  const seed0 = performance.now();
  for (let i = 0; i < N; i += BATCH) {
    const batch: TraceRecord[] = [];
    for (let j = i; j < Math.min(N, i + BATCH); j++) batch.push(chatTrace(j));
    store.export(batch);
  }
  const agent = agentTrace(2_000);
  store.export([agent]);
  store.close();
  const seedMs = performance.now() - seed0;
  progress(`seeded ${N} traces in ${(seedMs / 1000).toFixed(1)} s`);
  const viewer = await startViewer({
    storePath: path,
    logger: { info: () => {}, warn: (m) => console.warn(m) },
  });
  const api = (p: string) => `${viewer.url}api/${p}`;
  try {
    const rows: Row[] = [];
    const add = async (
      label: string,
      url: string,
      note: (body: any, bytes: number) => string,
      status = 200,
    ) => {
      progress(label);
      const t = await timeHttp(url, status);
      rows.push({ label, median: t.median, p95: t.p95, note: note(t.body, t.bytes) });
      return t.body;
    };
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
    const page = (b: any, bytes: number) => `${b.traces.length} rows, ${kb(bytes)}`;
    const first = await add('list: first page (50, newest first)', api('traces?pageSize=50'), page);
    await add(
      'list: second page (keyset token)',
      api(`traces?pageSize=50&pageToken=${encodeURIComponent(first.nextPageToken)}`),
      page,
    );
    const deep = Math.max(2, Math.min(1_000, Math.floor(N / 100)));
    let token: string = first.nextPageToken;
    for (let i = 1; i < deep - 1 && token; i++) {
      const next = (await (
        await fetch(api(`traces?pageSize=50&pageToken=${encodeURIComponent(token)}`))
      ).json()) as { nextPageToken: string };
      token = next.nextPageToken;
    }
    const from = (deep - 1) * 50 + 1;
    await add(
      `list: page ${deep.toLocaleString('en-US')} (traces ${from.toLocaleString('en-US')}–${(from + 49).toLocaleString('en-US')})`,
      api(`traces?pageSize=50&pageToken=${encodeURIComponent(token)}`),
      page,
    );
    const q = (f: string) => api(`traces?pageSize=50&q=${encodeURIComponent(f)}`);
    await add(
      "list: filter metadata user = 'user-42@…'",
      q("metadata.`mlflow.trace.user` = 'user-42@example.com'"),
      page,
    );
    await add("list: filter trace.status = 'ERROR'", q("trace.status = 'ERROR'"), page);
    await add('list: filter execution_time_ms > 4000', q('trace.execution_time_ms > 4000'), page);
    await add(
      "list: bad filter ('… OR …')",
      q("trace.status = 'OK' OR trace.name = 'x'"),
      (b) => `400, ${b.error.code} at ${b.error.position}`,
      400,
    );
    const trace = chatTrace(N >> 1).info.traceId;
    await add(
      'trace page: 3-span trace',
      api(`traces/${trace}`),
      (b, bytes) => `${b.spans.length} spans, ${kb(bytes)}`,
    );
    await add(
      'trace page: 2,000-span trace',
      api(`traces/${agent.info.traceId}`),
      (b, bytes) => `${b.spans.length} spans, ${kb(bytes)}`,
    );
    const session = chatTrace(400).info.traceMetadata['mlflow.trace.session'];
    await add('session page: 4 turns', api(`sessions/${session}`), (b) => `${b.turns.length} turns`);
    await add(
      `sessions list: ${Math.ceil(N / 4).toLocaleString('en-US')} sessions → 100 newest`,
      api('sessions?limit=100'),
      (b) => `${b.sessions.length} rows`,
    );
    await add(
      'analytics: per app version, per day',
      api(`stats?groupBy=${encodeURIComponent('metadata.app_version')}&interval=day`),
      (b) => `${b.totals.length} groups, ${b.series.length} points`,
    );
    await add(
      'analytics: per user, per day, last 7 days',
      api(
        `stats?groupBy=${encodeURIComponent('metadata.`mlflow.trace.user`')}&interval=day&q=${encodeURIComponent(`trace.timestamp_ms >= ${NOW - 7 * 86_400_000}`)}`,
      ),
      (b) => `${b.totals.length} groups, ${b.series.length} points`,
    );
    progress('browser');
    rows.push(...(await browserRows(viewer.url, agent.info.traceId, agent.data.spans.length)));

    const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
    const width = Math.max(...rows.map((r) => r.label.length));
    console.log(
      `\nViewer over ${N.toLocaleString('en-US')} traces (+ one of ${agent.data.spans.length} spans); seeded in ${(seedMs / 1000).toFixed(1)} s. HTTP over loopback, median / p95 of ${RUNS} after ${WARMUP} warm-ups.\n`,
    );
    console.log(`| ${'measurement'.padEnd(width)} | median ms | p95 ms | note |`);
    console.log(`| ${'-'.repeat(width)} | --------: | -----: | ---- |`);
    for (const r of rows)
      console.log(
        `| ${r.label.padEnd(width)} | ${fmt(r.median).padStart(9)} | ${fmt(r.p95).padStart(6)} | ${r.note} |`,
      );
  } finally {
    await viewer.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
