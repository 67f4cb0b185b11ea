/**
 * `pnpm bench`: the per-call cost of tracing a trivial async function with the raw OpenTelemetry
 * SDK, LangSmith, Langfuse and Autolog, all in one process, interleaved round by round so machine
 * drift hits every library alike. Exporters post to a loopback sink in a child process.
 * See README.md for the method and what each column means.
 */
import { cpus, totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { autolog } from './adapters/autolog.js';
import { langfuse } from './adapters/langfuse.js';
import { langsmith } from './adapters/langsmith.js';
import { otel } from './adapters/otel.js';
import type { Adapter } from './adapters/types.js';
import { untraced } from './adapters/untraced.js';
import { type Sink, startSink } from './sink.js';
import {
  fmtBytes,
  fmtNs,
  fmtPct,
  fmtRatio,
  fmtSignedNs,
  fmtUs,
  median,
  quantile,
  relMad,
  renderTable,
} from './stats.js';

// ---------------------------------------------------------------------------------------------
// Configuration

const QUICK = process.env.BENCH_QUICK === '1';
const CFG = QUICK
  ? { rounds: 5, calls: 2_000, chunk: 250, warmRounds: 1, memN: 5_000, memReps: 1, floodN: 20_000, floodTimeoutMs: 15_000 }
  : { rounds: 15, calls: 5_000, chunk: 250, warmRounds: 2, memN: 10_000, memReps: 3, floodN: 100_000, floodTimeoutMs: 60_000 };

const gc: () => void =
  (globalThis as { gc?: () => void }).gc ??
  (() => {
    throw new Error('run node with --expose-gc (use `pnpm bench`)');
  });

// The traced functions. `work` is the function of the target table.
async function work(x: number): Promise<number> {
  return x + 1;
}
function workSync(x: number): number {
  return x + 1;
}

/** Keeps results observable so nothing is optimised away. */
let blackhole = 0;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Measurements

/**
 * Awaits `fn` `calls` times in chunks of `chunk` calls. Only the chunks are timed; between
 * chunks the loop yields one macrotask turn so exporters' timers and I/O can run (outside the
 * timed part) the way they would in a server. Returns ns per call.
 */
async function hotLoop(fn: (x: number) => Promise<number>, calls: number, chunk: number): Promise<number> {
  let ns = 0n;
  let acc = 0;
  for (let done = 0; done < calls; done += chunk) {
    const n = Math.min(chunk, calls - done);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) acc += await fn(i);
    ns += process.hrtime.bigint() - t0;
    await yieldToEventLoop();
  }
  blackhole ^= acc;
  return Number(ns) / calls;
}

/** Calls `fn` n times without ever yielding to the event loop (not even to microtasks). */
function syncLoop(fn: (x: number) => unknown, n: number): void {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const r = fn(i);
    if (typeof r === 'number') acc += r;
  }
  blackhole ^= acc;
}

function cpuMicros(u: NodeJS.CpuUsage): number {
  return u.user + u.system;
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<{ ok: true; value: T } | { ok: false }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ ok: false }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false }), ms);
  });
  try {
    return await Promise.race([p.then((value) => ({ ok: true as const, value })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface LiveAdapter {
  a: Adapter;
  hot: (x: number) => Promise<number>;
  sync: (x: number) => unknown;
  hotNs: number[];
  allInUs: number[];
  called: number;
  memBytes: number[];
  memHeld: number[];
  memNote?: string;
  exportedBefore?: number;
  exportedAfter?: number;
  flood?: FloodResult;
}

interface FloodResult {
  received: number | undefined;
  receivedNote?: string;
  heldHeapBytes: number;
  peakRssBytes: number;
  peakHeapBytes: number;
  flushMs: number;
  flushTimedOut: boolean;
}

/** Spans delivered so far by this adapter: counted by the sink, or by the adapter itself. */
async function deliveredCount(sink: Sink, a: Adapter): Promise<{ count: number | undefined; note?: string }> {
  if (a.sinkKey) {
    const s = (await sink.stats())[a.sinkKey];
    return { count: s?.spans ?? 0, note: s?.parseErrors ? `${s.parseErrors} unparsed requests` : undefined };
  }
  if (a.delivered) return a.delivered();
  return { count: undefined };
}

function machineLine(): string {
  const c = cpus();
  const model = c[0]?.model?.trim() || 'unknown CPU';
  return (
    `machine: ${model}, ${c.length} cores, ${(totalmem() / 1024 ** 3).toFixed(1)} GB RAM; ` +
    `node ${process.version} (${process.platform}-${process.arch}); ` +
    `V8 heap limit ${fmtBytes(getHeapStatistics().heap_size_limit)}`
  );
}

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  console.log(machineLine());
  console.log(
    `mode: ${QUICK ? 'BENCH_QUICK (smoke run; numbers are rough)' : 'full'}; ` +
      `${CFG.rounds} interleaved rounds × ${CFG.calls} awaited calls (timed in chunks of ${CFG.chunk}), ` +
      `${CFG.warmRounds} warm-up round(s); memory: ${CFG.memN} spans × ${CFG.memReps}; flood: ${CFG.floodN} spans`,
  );

  const sink = await startSink();
  log(`sink listening at ${sink.url} (child process)`);

  // Before any AsyncLocalStorage is enabled in this process (Node 20 then installs promise hooks
  // that every later promise pays for, traced or not).
  const preAls: number[] = [];
  for (let r = 0; r < Math.max(3, CFG.rounds >> 1); r++) {
    gc();
    preAls.push(await hotLoop(work, CFG.calls, CFG.chunk));
  }

  const all: Adapter[] = [untraced, otel, langsmith, langfuse, autolog];
  const live: LiveAdapter[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const a of all) {
    try {
      await a.setup(sink.url);
      a.activate?.();
      try {
        live.push({
          a,
          hot: a.traced(work),
          sync: a.tracedSync(workSync),
          hotNs: [],
          allInUs: [],
          called: 0,
          memBytes: [],
          memHeld: [],
        });
      } finally {
        a.deactivate?.();
      }
    } catch (err) {
      skipped.push({ name: a.name, reason: (err as Error).message });
      log(`SKIP ${a.name}: ${(err as Error).message}`);
    }
  }

  // Sanity check: one call each, and each really produces something at the sink / store.
  for (const l of live) {
    l.a.activate?.();
    try {
      const v = await l.hot(41);
      if (v !== 42) throw new Error(`traced function returned ${v}`);
      await l.a.flush();
    } finally {
      l.a.deactivate?.();
    }
  }

  // ---- hot path + all-in CPU, interleaved ---------------------------------------------------
  const runRound = async (l: LiveAdapter, record: boolean) => {
    l.a.activate?.();
    try {
      gc();
      const cpu0 = process.cpuUsage();
      const ns = await hotLoop(l.hot, CFG.calls, CFG.chunk);
      await l.a.flush();
      const cpu = cpuMicros(process.cpuUsage(cpu0));
      if (record) {
        l.hotNs.push(ns);
        l.allInUs.push(cpu / CFG.calls);
        l.called += CFG.calls;
      }
    } finally {
      l.a.deactivate?.();
    }
  };

  log('warm-up');
  for (let r = 0; r < CFG.warmRounds; r++) for (const l of live) await runRound(l, false);

  for (const l of live) l.exportedBefore = (await deliveredCount(sink, l.a)).count;
  for (let r = 0; r < CFG.rounds; r++) {
    const t = Date.now();
    for (let k = 0; k < live.length; k++) await runRound(live[(r + k) % live.length], true);
    log(`round ${r + 1}/${CFG.rounds} (${Date.now() - t} ms)`);
  }
  for (const l of live) l.exportedAfter = (await deliveredCount(sink, l.a)).count;

  // ---- memory per buffered span -------------------------------------------------------------
  log(`memory: ${CFG.memN} synchronous traced calls without yielding`);
  for (let rep = 0; rep < CFG.memReps; rep++) {
    for (let k = 0; k < live.length; k++) {
      const l = live[(rep + k) % live.length];
      l.a.activate?.();
      try {
        await l.a.flush();
        await sleep(5);
        const before = (await deliveredCount(sink, l.a)).count;
        gc();
        gc();
        const h0 = process.memoryUsage().heapUsed;
        syncLoop(l.sync, CFG.memN);
        const buffered = l.a.buffered?.();
        gc();
        const h1 = process.memoryUsage().heapUsed;
        await l.a.flush();
        const after = (await deliveredCount(sink, l.a)).count;
        // Spans held at the moment of measurement: the library's own buffer count if it exposes
        // one, otherwise what it went on to deliver (spans dropped on arrival are not held).
        const held =
          l.a === untraced
            ? 0
            : (buffered ?? (before !== undefined && after !== undefined ? after - before : CFG.memN));
        l.memBytes.push(h1 - h0);
        l.memHeld.push(held);
      } finally {
        l.a.deactivate?.();
      }
    }
  }

  // ---- flood: 100k spans in a loop that never yields --------------------------------------
  log(`flood: ${CFG.floodN} synchronous traced calls without yielding, then flush`);
  // Slowest exporter last so a flush that overruns its time box cannot disturb the others.
  const floodOrder = [...live].sort((x, y) => Number(x.a === langsmith) - Number(y.a === langsmith));
  for (const l of floodOrder) {
    l.a.activate?.();
    try {
      await l.a.flush();
      await sleep(20);
      const before = await deliveredCount(sink, l.a);
      gc();
      gc();
      const m0 = process.memoryUsage();
      syncLoop(l.sync, CFG.floodN);
      const mAfterLoop = process.memoryUsage();
      gc();
      const heldHeap = process.memoryUsage().heapUsed - m0.heapUsed;
      let peakRss = Math.max(mAfterLoop.rss, process.memoryUsage().rss);
      let peakHeap = mAfterLoop.heapUsed;
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        if (m.rss > peakRss) peakRss = m.rss;
        if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
      }, 10);
      const t0 = performance.now();
      const res = await withTimeout(l.a.flush(), CFG.floodTimeoutMs);
      const flushMs = performance.now() - t0;
      clearInterval(sampler);
      const m1 = process.memoryUsage();
      peakRss = Math.max(peakRss, m1.rss);
      peakHeap = Math.max(peakHeap, m1.heapUsed);
      const after = await deliveredCount(sink, l.a);
      l.flood = {
        received:
          l.a === untraced
            ? undefined
            : before.count !== undefined && after.count !== undefined
              ? after.count - before.count
              : undefined,
        receivedNote: after.note,
        heldHeapBytes: heldHeap,
        peakRssBytes: peakRss - m0.rss,
        peakHeapBytes: peakHeap - m0.heapUsed,
        flushMs,
        flushTimedOut: !res.ok,
      };
      log(`flood ${l.a.name}: flush ${flushMs.toFixed(0)} ms${res.ok ? '' : ' (timed out)'}`);
    } finally {
      l.a.deactivate?.();
    }
  }

  // ---- report -----------------------------------------------------------------------------
  const base = live.find((l) => l.a === untraced)!;
  const al = live.find((l) => l.a === autolog);
  /** Paired per-round difference vs the untraced row of the same round. */
  const pairedAdded = (xs: number[], bs: number[]) => median(xs.map((x, i) => x - bs[i]));
  const addedHot = new Map(live.map((l) => [l, pairedAdded(l.hotNs, base.hotNs)]));
  const addedCpu = new Map(live.map((l) => [l, pairedAdded(l.allInUs, base.allInUs)]));
  const alAdded = al ? addedHot.get(al)! : Number.NaN;
  const alAddedCpu = al ? addedCpu.get(al)! : Number.NaN;
  const bytesPerSpan = (l: LiveAdapter) => median(l.memBytes.map((b, i) => (l.memHeld[i] > 0 ? b / l.memHeld[i] : Number.NaN)));

  console.log('');
  console.log(
    `Traced trivial async function (\`async (x) => x + 1\`), medians over ${CFG.rounds} interleaved rounds of ${CFG.calls} awaited calls`,
  );
  const rows = live.map((l) => {
    const isBase = l === base;
    return [
      l.a.name,
      fmtNs(median(l.hotNs)),
      Number.isFinite(relMad(l.hotNs)) ? `±${(relMad(l.hotNs) * 100).toFixed(0)}%` : '',
      isBase ? '—' : fmtSignedNs(addedHot.get(l)!),
      isBase || !al ? (al ? '—' : 'n/a') : fmtRatio(addedHot.get(l)! / alAdded),
      fmtUs(median(l.allInUs)),
      isBase ? '—' : fmtUs(addedCpu.get(l)!).replace(/^/, addedCpu.get(l)! >= 0 ? '+' : ''),
      isBase || !al ? (al ? '—' : 'n/a') : fmtRatio(addedCpu.get(l)! / alAddedCpu),
      isBase ? '—' : fmtBytes(bytesPerSpan(l)),
      isBase
        ? '—'
        : l.exportedAfter !== undefined && l.exportedBefore !== undefined
          ? fmtPct((l.exportedAfter - l.exportedBefore) / l.called)
          : 'n/a',
    ];
  });
  console.log(
    renderTable(
      [
        'library',
        'hot ns/call',
        'spread',
        'added vs untraced',
        'added ÷ Autolog',
        'all-in CPU/call',
        'all-in added',
        'all-in ÷ Autolog',
        'bytes/buffered span',
        'delivered',
      ],
      rows,
    ),
  );
  console.log(
    `untraced before any AsyncLocalStorage was enabled in the process: ${fmtNs(median(preAls))}/call ` +
      `(the untraced row above runs with the libraries' AsyncLocalStorage promise hooks installed)`,
  );

  console.log('');
  console.log(`Memory: ${CFG.memN} finished spans from a loop that never yields, before any export could run (median of ${CFG.memReps})`);
  console.log(
    renderTable(
      ['library', 'heap delta', 'spans held', 'bytes/held span', 'bytes/call'],
      live.map((l) => [
        l.a.name,
        fmtBytes(median(l.memBytes)),
        l === base ? '—' : String(Math.round(median(l.memHeld))),
        l === base ? '—' : fmtBytes(bytesPerSpan(l)),
        fmtBytes(median(l.memBytes) / CFG.memN),
      ]),
    ),
  );

  console.log('');
  console.log(`Flood: ${CFG.floodN.toLocaleString('en-US')} spans in a loop that never yields, then flush (time box ${CFG.floodTimeoutMs / 1000} s)`);
  console.log(
    renderTable(
      ['library', 'delivered', 'silently lost', 'held heap after loop', 'peak heap Δ', 'peak RSS Δ', 'flush'],
      live.map((l) => {
        const f = l.flood;
        if (!f) return [l.a.name, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a'];
        const recv = f.received;
        return [
          l.a.name,
          l === base ? '—' : recv === undefined ? 'n/a' : `${recv.toLocaleString('en-US')} (${fmtPct(recv / CFG.floodN)})`,
          l === base ? '—' : recv === undefined ? 'n/a' : `${(CFG.floodN - recv).toLocaleString('en-US')}${f.flushTimedOut ? ' (flush not done)' : ''}`,
          fmtBytes(f.heldHeapBytes),
          fmtBytes(f.peakHeapBytes),
          fmtBytes(f.peakRssBytes),
          `${(f.flushMs / 1000).toFixed(2)} s${f.flushTimedOut ? ' (timed out)' : ''}`,
        ];
      }),
    ),
  );
  for (const l of live) if (l.flood?.receivedNote) console.log(`  ${l.a.name}: ${l.flood.receivedNote}`);

  console.log('');
  console.log('Setups:');
  for (const l of live) console.log(`  ${l.a.name}: ${l.a.describe}`);
  for (const s of skipped) console.log(`  ${s.name}: SKIPPED — ${s.reason}`);

  const sinkStats = await sink.stats();
  console.log('');
  console.log(
    'sink traffic: ' +
      Object.entries(sinkStats)
        .map(([k, s]) => `${k}: ${s.requests} requests, ${fmtBytes(s.bytes)}${s.parseErrors ? `, ${s.parseErrors} unparsed` : ''}`)
        .join('; '),
  );
  const unexpected = Object.keys(sinkStats).filter((k) => !live.some((l) => l.a.sinkKey === k));
  if (unexpected.length) console.log(`  unexpected sink paths: ${unexpected.map((k) => JSON.stringify(sinkStats[k].paths)).join(' ')}`);
  console.log(`hot-path p90 ns/call: ${live.map((l) => `${l.a.name} ${fmtNs(quantile(l.hotNs, 0.9))}`).join(', ')}`);
  console.log(`total bench time ${((Date.now() - started) / 1000).toFixed(0)} s`);

  // ---- teardown -------------------------------------------------------------------------
  for (const l of live) {
    l.a.activate?.();
    try {
      await withTimeout(l.a.teardown(), 5_000);
    } catch (err) {
      log(`teardown ${l.a.name}: ${(err as Error).message}`);
    } finally {
      l.a.deactivate?.();
    }
  }
  await sink.stop();
  if (blackhole === 0.5) console.log(''); // never true; keeps `blackhole` live
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
