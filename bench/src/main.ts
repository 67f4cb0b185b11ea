/**
 * `pnpm bench`: the per-call cost of tracing a trivial async function with the raw OpenTelemetry
 * SDK, LangSmith, Langfuse and Autolog, all in one process, interleaved round by round so machine
 * drift hits every library alike. Exporters post to a loopback sink in a child process.
 * See README.md for the method and what each column means.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { cpus, loadavg, totalmem } from 'node:os';
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
  ? {
      rounds: 5,
      maxCalls: 2_000,
      minCalls: 250,
      chunk: 250,
      /** Calls per round are cut for slow libraries so one round costs about this much CPU. */
      roundBudgetUs: 80_000,
      /** Prime, so a library that writes out every k spans (k round) still holds a remainder. */
      memN: 1_999,
      /** A library whose flush of memN spans would cost more CPU than this is measured in the flood. */
      memFlushBudgetUs: 3_000_000,
      floodN: 10_000,
      /** Per-library time budget for the flood (loop + flush); see the flood section. */
      floodBudgetMs: 2_000,
      floodTimeoutMs: 8_000,
    }
  : {
      rounds: 15,
      maxCalls: 5_000,
      minCalls: 250,
      chunk: 250,
      roundBudgetUs: 250_000,
      memN: 9_973,
      memFlushBudgetUs: 10_000_000,
      floodN: 100_000,
      floodBudgetMs: 25_000,
      floodTimeoutMs: 40_000,
    };

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

/**
 * The least any tracer that propagates async context does per call, recording nothing: make a
 * frame current around the call and see its promise settle (one `then`). Measured in the rounds
 * only, as a floor under the libraries' hot paths.
 */
const floorStorage = new AsyncLocalStorage<object>();
const ignore = () => undefined;
const floor: Adapter = {
  name: 'floor: context + then',
  describe: 'AsyncLocalStorage.run around the call and one then on its promise; nothing recorded',
  async setup() {},
  traced: (fn) => (x) => {
    const p = floorStorage.run({ x }, fn, x);
    p.then(ignore, ignore);
    return p;
  },
  tracedSync: (fn) => fn,
  async flush() {},
  async teardown() {},
  // Off again after its turn: an enabled storage costs every later promise of the process.
  deactivate: () => floorStorage.disable(),
};

/**
 * The least a tracer that records anything does per call on top of the floor: a span object (its
 * inputs, start and end times from the clock, output or error) in a frame made current around the
 * call, and one `then` that ends it and queues it. Nothing is exported: the round's flush empties
 * the queue. Measured in the rounds only, like the floor, as the reference for what recording
 * itself costs on this machine.
 */
class MinimalSpan {
  readonly start = performance.now();
  end = 0;
  output: unknown = undefined;
  error: unknown = undefined;
  constructor(readonly inputs: unknown) {}
}
const minimalStorage = new AsyncLocalStorage<{ span: MinimalSpan }>();
const minimalQueue: MinimalSpan[] = [];
const minimal: Adapter = {
  name: 'minimal recorder',
  describe:
    'a span object (inputs, start and end from the clock, output) in a frame made current around the call, ' +
    'ended and queued by one then; never exported',
  async setup() {},
  traced: (fn) => (x) => {
    const span = new MinimalSpan({ x });
    const p = minimalStorage.run({ span }, fn, x);
    p.then(
      (output) => {
        span.output = output;
        span.end = performance.now();
        minimalQueue.push(span);
      },
      (error) => {
        span.error = error;
        span.end = performance.now();
        minimalQueue.push(span);
      },
    );
    return p;
  },
  tracedSync: (fn) => fn,
  async flush() {
    minimalQueue.length = 0;
  },
  async teardown() {},
  // Off again after its turn, as the floor's.
  deactivate: () => minimalStorage.disable(),
};

/** Keeps results observable so nothing is optimised away. */
let blackhole = 0;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const cpuMicros = (u: NodeJS.CpuUsage) => u.user + u.system;

// ---------------------------------------------------------------------------------------------
// Measurement primitives

/**
 * Awaits `fn` `calls` times in chunks of `chunk` calls. Only the chunks are timed; between chunks
 * the loop yields one event-loop turn so exporters' timers and I/O run (outside the timed part)
 * as they would in a server. Returns wall-clock ns and process CPU ns per call, chunks only.
 */
async function hotLoop(fn: (x: number) => Promise<number>, calls: number, chunk: number) {
  let wall = 0n;
  let cpu = 0;
  let acc = 0;
  for (let done = 0; done < calls; done += chunk) {
    const n = Math.min(chunk, calls - done);
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) acc += await fn(i);
    wall += process.hrtime.bigint() - t0;
    cpu += cpuMicros(process.cpuUsage(c0));
    await yieldToEventLoop();
  }
  blackhole ^= acc;
  return { wallNs: Number(wall) / calls, cpuNs: (cpu * 1000) / calls };
}

/**
 * Calls `fn` n times without ever yielding to the event loop (not even to microtasks), stopping
 * early (at a multiple of 1,000 calls) once `deadline` (performance.now() ms) has passed.
 * Returns the number of calls made.
 */
function syncLoop(fn: (x: number) => unknown, n: number, deadline = Number.POSITIVE_INFINITY): number {
  let acc = 0;
  let i = 0;
  while (i < n) {
    const end = Math.min(n, i + 1_000);
    for (; i < end; i++) {
      const r = fn(i);
      if (typeof r === 'number') acc += r;
    }
    if (performance.now() > deadline) break;
  }
  blackhole ^= acc;
  return i;
}

/** Waits for `p` at most `ms` (a library that blocks the event loop can overrun the box). */
async function withTimeout<T>(p: Promise<T>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface LiveAdapter {
  a: Adapter;
  hot: (x: number) => Promise<number>;
  sync: (x: number) => unknown;
  /** Calls per round, sized in the warm-up so a round costs about CFG.roundBudgetUs of CPU. */
  calls: number;
  hotNs: number[];
  hotCpuNs: number[];
  allInUs: number[];
  called: number;
  deliveredInRounds?: number;
  mem?: { n: number; heapBytes: number; held: number; fromFlood: boolean };
  floodPlan?: { mode: 'flush' | 'loop-only' };
  flood?: {
    n: number;
    mode: 'flush' | 'loop-only';
    received: number | undefined;
    note?: string;
    heldHeapBytes: number;
    peakRssBytes: number;
    peakHeapBytes: number;
    loopMs: number;
    flushMs: number;
    flushDone: boolean;
  };
}

/** An adapter ready to be measured: its traced functions and empty measurements. */
function liveAdapter(a: Adapter, calls: number): LiveAdapter {
  return {
    a,
    hot: a.traced(work),
    sync: a.tracedSync(workSync),
    calls,
    hotNs: [],
    hotCpuNs: [],
    allInUs: [],
    called: 0,
  };
}

/** Spans delivered so far by this adapter: counted by the sink, or by the adapter itself. */
async function deliveredCount(sink: Sink, a: Adapter): Promise<{ count: number | undefined; note?: string }> {
  if (a.sinkKey) {
    const s = (await sink.stats())[a.sinkKey];
    return {
      count: s?.spans ?? 0,
      note: s?.parseErrors ? `${s.parseErrors} sink requests not parsed` : undefined,
    };
  }
  if (a.delivered) return a.delivered();
  return { count: undefined };
}

function machineLine(): string {
  const c = cpus();
  const model = c[0]?.model?.trim() || 'unknown CPU';
  return (
    `machine: ${model}, ${c.length} cores, ${(totalmem() / 1024 ** 3).toFixed(1)} GB RAM; ` +
    `node ${process.version} (${process.platform}-${process.arch}); V8 heap limit ${fmtBytes(getHeapStatistics().heap_size_limit)}`
  );
}

const loadLine = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  console.log(machineLine());
  console.log(`load average at start: ${loadLine()} (1/5/15 min)`);
  console.log(
    `mode: ${QUICK ? 'BENCH_QUICK (smoke run; numbers are rough)' : 'full'}; ` +
      `${CFG.rounds} interleaved rounds of ${CFG.minCalls}–${CFG.maxCalls} awaited calls per library ` +
      `(timed in chunks of ${CFG.chunk}); memory: ${CFG.memN.toLocaleString('en-US')} spans; ` +
      `flood: ${CFG.floodN.toLocaleString('en-US')} spans`,
  );

  const sink = await startSink();
  log(`sink listening at ${sink.url} (child process)`);

  // Before any AsyncLocalStorage is enabled in this process: on Node 20 the first enabled one
  // installs promise hooks that every later promise pays for, traced or not.
  const preAls: number[] = [];
  for (let r = 0; r < 5; r++) {
    gc();
    preAls.push((await hotLoop(work, CFG.maxCalls, CFG.chunk)).wallNs);
  }

  // BENCH_LIBS=autolog,otel: only these (by sink key or the start of the name); untraced always.
  const only = process.env.BENCH_LIBS?.toLowerCase().split(',').filter(Boolean);
  const all: Adapter[] = [untraced, otel, langsmith, langfuse, autolog].filter(
    (a) =>
      a === untraced ||
      !only?.length ||
      only.some((n) => a.sinkKey === n || a.name.toLowerCase().startsWith(n)),
  );
  const live: LiveAdapter[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const a of all) {
    try {
      await a.setup(sink.url);
      a.activate?.();
      try {
        const l = liveAdapter(a, CFG.maxCalls);
        // Sanity check: the traced function still returns the right value, and flush works.
        const v = await l.hot(41);
        if (v !== 42) throw new Error(`traced function returned ${v}`);
        await a.flush();
        live.push(l);
      } finally {
        a.deactivate?.();
      }
    } catch (err) {
      skipped.push({ name: a.name, reason: (err as Error).message });
      log(`SKIP ${a.name}: ${(err as Error).message}`);
    }
  }
  const base = live.find((l) => l.a === untraced)!;
  const timing: string[] = [];
  let phase = Date.now();
  const endPhase = (name: string) => {
    timing.push(`${name} ${((Date.now() - phase) / 1000).toFixed(0)} s`);
    phase = Date.now();
  };

  // ---- hot path + all-in CPU, interleaved ---------------------------------------------------
  /** One round: the hot loop (timed in chunks), then the library's flush; CPU over both. */
  const runRound = async (l: LiveAdapter, calls: number) => {
    l.a.activate?.();
    try {
      gc();
      await sleep(10); // let V8 finish sweeping after the forced GC on its helper threads
      const cpu0 = process.cpuUsage();
      const hot = await hotLoop(l.hot, calls, CFG.chunk);
      await l.a.flush();
      return { ...hot, allInUs: cpuMicros(process.cpuUsage(cpu0)) / calls };
    } finally {
      l.a.deactivate?.();
    }
  };

  log('warm-up');
  for (const l of live) {
    const first = await runRound(l, QUICK ? CFG.chunk : 500);
    // Slow libraries get fewer calls per round so the whole bench stays within a few minutes.
    const fit = Math.floor(CFG.roundBudgetUs / Math.max(first.allInUs, 1e-3) / CFG.chunk) * CFG.chunk;
    l.calls = Math.max(CFG.minCalls, Math.min(CFG.maxCalls, fit));
    await runRound(l, l.calls);
  }
  endPhase('warm-up');
  log(`calls per round: ${live.map((l) => `${l.a.name} ${l.calls}`).join(', ')}`);

  const before = new Map<LiveAdapter, number | undefined>();
  for (const l of live) before.set(l, (await deliveredCount(sink, l.a)).count);
  // The floor and the minimal recorder take part in the rounds only (they deliver nothing).
  const floorLive = liveAdapter(floor, base.calls);
  await runRound(floorLive, floorLive.calls);
  const minimalLive = liveAdapter(minimal, base.calls);
  await runRound(minimalLive, minimalLive.calls);
  const rotation = [...live, floorLive, minimalLive];
  for (let r = 0; r < CFG.rounds; r++) {
    const t = Date.now();
    for (let k = 0; k < rotation.length; k++) {
      const l = rotation[(r + k) % rotation.length]; // rotate the order every round
      const res = await runRound(l, l.calls);
      l.hotNs.push(res.wallNs);
      l.hotCpuNs.push(res.cpuNs);
      l.allInUs.push(res.allInUs);
      l.called += l.calls;
    }
    log(`round ${r + 1}/${CFG.rounds} (${Date.now() - t} ms)`);
  }
  for (const l of live) {
    const b = before.get(l);
    const a = (await deliveredCount(sink, l.a)).count;
    l.deliveredInRounds = a !== undefined && b !== undefined ? a - b : undefined;
  }
  endPhase('rounds');

  // ---- memory per buffered span -------------------------------------------------------------
  /** Libraries whose flush of memN spans would blow the time budget are measured in the flood. */
  const memFromFlood = (l: LiveAdapter) => l !== base && median(l.allInUs) * CFG.memN > CFG.memFlushBudgetUs;
  log(`memory: ${CFG.memN} synchronous traced calls without yielding`);
  for (const l of live) {
    l.a.activate?.();
    try {
      await l.a.flush();
      await sleep(5);
      if (memFromFlood(l)) continue;
      const b = (await deliveredCount(sink, l.a)).count;
      gc();
      gc();
      const h0 = process.memoryUsage().heapUsed;
      const probe = l.a.heldProbe?.();
      syncLoop(l.sync, CFG.memN);
      gc();
      const h1 = process.memoryUsage().heapUsed;
      const probed = probe?.(CFG.memN); // still in the same synchronous stretch as the loop
      await l.a.flush();
      const a = (await deliveredCount(sink, l.a)).count;
      // Spans held when the heap was measured: the library's own count if it can tell, otherwise
      // what it went on to deliver (right for libraries that drop on arrival, like the OTel BSP).
      const held = l === base ? 0 : (probed ?? (a !== undefined && b !== undefined ? a - b : CFG.memN));
      l.mem = { n: CFG.memN, heapBytes: h1 - h0, held, fromFlood: false };
    } finally {
      l.a.deactivate?.();
    }
  }
  endPhase('memory');

  // ---- flood: 100k spans in a loop that never yields ----------------------------------------
  // Each library's loop stops early (reported as "capped") once it has run for the flood budget,
  // so a library whose inline work is slow cannot stretch the bench. Libraries whose export is too
  // slow to flush even the memory test (LangSmith: flushing 100k runs takes many minutes and blocks
  // the event loop for seconds at a time) run "loop only": measured right after the loop, never
  // flushed; they go last, after everything else is torn down, and the report is printed before
  // the event loop runs again, so their backlog never runs.
  for (const l of live) l.floodPlan = { mode: memFromFlood(l) && l.a.heldProbe ? 'loop-only' : 'flush' };
  log(
    `flood: up to ${CFG.floodN} synchronous traced calls without yielding (at most ${CFG.floodBudgetMs / 1000} s), then flush`,
  );

  const floodOnce = (l: LiveAdapter) => {
    gc();
    gc();
    const m0 = process.memoryUsage();
    const probe = l.a.heldProbe?.();
    const t0 = performance.now();
    const n = syncLoop(l.sync, CFG.floodN, t0 + CFG.floodBudgetMs);
    const loopMs = performance.now() - t0;
    const mLoop = process.memoryUsage();
    gc();
    const mGc = process.memoryUsage();
    return { n, m0, mLoop, mGc, probed: probe?.(n), loopMs };
  };

  for (const l of live
    .filter((x) => x.floodPlan!.mode === 'flush')
    .sort((x, y) => median(x.allInUs) - median(y.allInUs))) {
    l.a.activate?.();
    try {
      await l.a.flush();
      await sleep(20);
      const b = await deliveredCount(sink, l.a);
      const { n, m0, mLoop, mGc, probed, loopMs } = floodOnce(l);
      let peakRss = Math.max(mLoop.rss, mGc.rss);
      let peakHeap = mLoop.heapUsed;
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        if (m.rss > peakRss) peakRss = m.rss;
        if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
      }, 10);
      const t1 = performance.now();
      const flushDone = await withTimeout(l.a.flush(), CFG.floodTimeoutMs);
      const flushMs = performance.now() - t1;
      clearInterval(sampler);
      const m1 = process.memoryUsage();
      const a = await deliveredCount(sink, l.a);
      const received =
        l === base || a.count === undefined || b.count === undefined ? undefined : a.count - b.count;
      l.flood = {
        n,
        mode: 'flush',
        received,
        note: a.note,
        heldHeapBytes: mGc.heapUsed - m0.heapUsed,
        peakRssBytes: Math.max(peakRss, m1.rss) - m0.rss,
        peakHeapBytes: Math.max(peakHeap, m1.heapUsed) - m0.heapUsed,
        loopMs,
        flushMs,
        flushDone,
      };
      if (memFromFlood(l)) {
        const held = probed ?? (flushDone && received !== undefined ? received : undefined);
        if (held !== undefined) l.mem = { n, heapBytes: mGc.heapUsed - m0.heapUsed, held, fromFlood: true };
      }
      log(
        `flood ${l.a.name}: ${n} calls, loop ${(loopMs / 1000).toFixed(1)} s, flush ${(flushMs / 1000).toFixed(1)} s${flushDone ? '' : ' (time box hit)'}`,
      );
    } finally {
      l.a.deactivate?.();
    }
  }
  endPhase('flood');

  // Everything asynchronous the report needs, fetched before the loop-only floods.
  const sinkStats = await sink.stats();
  const loopOnly = live.filter((x) => x.floodPlan!.mode === 'loop-only');
  for (const l of live) {
    if (loopOnly.includes(l)) continue;
    l.a.activate?.();
    try {
      await withTimeout(l.a.teardown(), 5_000);
    } catch (err) {
      log(`teardown ${l.a.name}: ${(err as Error).message}`);
    } finally {
      l.a.deactivate?.();
    }
  }

  // From here on nothing yields to the event loop until process.exit().
  for (const l of loopOnly) {
    l.a.activate?.();
    try {
      const { n, m0, mLoop, mGc, probed, loopMs } = floodOnce(l);
      l.flood = {
        n,
        mode: 'loop-only',
        received: undefined,
        heldHeapBytes: mGc.heapUsed - m0.heapUsed,
        peakRssBytes: Math.max(mLoop.rss, mGc.rss) - m0.rss,
        peakHeapBytes: mLoop.heapUsed - m0.heapUsed,
        loopMs,
        flushMs: Number.NaN,
        flushDone: false,
      };
      if (memFromFlood(l) && probed !== undefined)
        l.mem = { n, heapBytes: mGc.heapUsed - m0.heapUsed, held: probed, fromFlood: true };
      log(`flood ${l.a.name}: ${n} calls, loop ${(loopMs / 1000).toFixed(1)} s, not flushed`);
    } finally {
      l.a.deactivate?.();
    }
  }
  endPhase(loopOnly.length ? 'loop-only flood' : 'end');

  // ---- report -------------------------------------------------------------------------------
  const al = live.find((l) => l.a === autolog);
  /** Paired per-round difference vs the untraced row of the same round, then the median. */
  const added = (l: LiveAdapter, pick: (x: LiveAdapter) => number[]) =>
    median(pick(l).map((v, i) => v - pick(base)[i]));
  const addedHot = (l: LiveAdapter) => added(l, (x) => x.hotNs);
  const addedCpu = (l: LiveAdapter) => added(l, (x) => x.allInUs);
  const addedHotCpu = (l: LiveAdapter) => added(l, (x) => x.hotCpuNs);
  const bytesPerSpan = (l: LiveAdapter) =>
    l.mem && l.mem.held > 0 ? l.mem.heapBytes / l.mem.held : Number.NaN;
  const vsAutolog = (l: LiveAdapter, f: (x: LiveAdapter) => number) =>
    l === base ? '—' : al ? fmtRatio(f(l) / f(al)) : 'n/a';
  const signedUs = (us: number) =>
    Number.isFinite(us) ? `${us >= 0 ? '+' : '−'}${fmtUs(Math.abs(us))}` : 'n/a';

  console.log('');
  console.log(`load average at end: ${loadLine()}`);
  console.log('');
  console.log(
    '== Summary: traced trivial async function (`async (x) => x + 1`), one process, interleaved ==',
  );
  console.log(
    renderTable(
      [
        'library',
        'hot path ns/call',
        'added vs untraced',
        'ratio vs Autolog',
        'all-in CPU µs/call',
        'bytes/buffered span',
      ],
      live.map((l) => [
        l.a.name,
        fmtNs(median(l.hotNs)),
        l === base ? '—' : fmtSignedNs(addedHot(l)),
        vsAutolog(l, addedHot),
        fmtUs(median(l.allInUs)),
        l === base ? '—' : `${fmtBytes(bytesPerSpan(l))}${l.mem?.fromFlood ? ' *' : ''}`,
      ]),
    ),
  );
  console.log(
    `hot path = wall-clock median over ${CFG.rounds} rounds; "added" = median of per-round (library − untraced); ` +
      `ratio = added ÷ Autolog's added; all-in = process CPU (all threads) for the round incl. flush ÷ calls.`,
  );
  if (live.some((l) => l.mem?.fromFlood))
    console.log('* measured in the flood run (see below), not at the memory-test size.');
  console.log(
    `floor (${floor.describe}): ${fmtNs(median(floorLive.hotNs))}/call, ${fmtSignedNs(addedHot(floorLive))} vs untraced` +
      (al
        ? `; Autolog's hot path is ${fmtSignedNs(addedHot(al) - addedHot(floorLive))} above the floor.`
        : '.'),
  );
  console.log(
    `minimal recorder (${minimal.describe}): ${fmtNs(median(minimalLive.hotNs))}/call, ` +
      `${fmtSignedNs(addedHot(minimalLive))} vs untraced, ${fmtSignedNs(addedHot(minimalLive) - addedHot(floorLive))} above the floor` +
      (al ? `; Autolog − minimal recorder: ${fmtSignedNs(addedHot(al) - addedHot(minimalLive))}.` : '.'),
  );
  if (!al) console.log('Autolog: not measured — see "Setups" below.');

  console.log('');
  console.log('== Details: hot path and all-in CPU ==');
  console.log(
    renderTable(
      [
        'library',
        'calls/round',
        'wall ns/call',
        'spread',
        'p90',
        'CPU ns/call (hot)',
        'CPU added',
        'CPU ratio vs Autolog',
        'all-in added',
        'all-in ratio vs Autolog',
        'delivered in rounds',
      ],
      live.map((l) => [
        l.a.name,
        String(l.calls),
        fmtNs(median(l.hotNs)),
        Number.isFinite(relMad(l.hotNs)) ? `±${(relMad(l.hotNs) * 100).toFixed(0)} %` : '',
        fmtNs(quantile(l.hotNs, 0.9)),
        fmtNs(median(l.hotCpuNs)),
        l === base ? '—' : fmtSignedNs(addedHotCpu(l)),
        vsAutolog(l, addedHotCpu),
        l === base ? '—' : signedUs(addedCpu(l)),
        vsAutolog(l, addedCpu),
        l === base
          ? '—'
          : l.deliveredInRounds === undefined
            ? 'n/a'
            : `${fmtPct(l.deliveredInRounds / l.called)} of ${l.called}`,
      ]),
    ),
  );
  console.log(
    `untraced before any AsyncLocalStorage was enabled in this process: ${fmtNs(median(preAls))}/call ` +
      "(the untraced row runs with the promise hooks that the libraries' AsyncLocalStorage installs on Node 20).",
  );
  console.log('spread = median absolute deviation ÷ median, over rounds.');

  console.log('');
  console.log('== Memory: spans finished in a loop that never yields, before any export could run ==');
  console.log(
    renderTable(
      ['library', 'spans', 'heap Δ (after gc)', 'spans held', 'bytes/held span', 'bytes/call'],
      live.map((l) => {
        const m = l.mem;
        if (!m) return [l.a.name, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a'];
        return [
          l.a.name,
          `${m.n.toLocaleString('en-US')}${m.fromFlood ? ' (flood)' : ''}`,
          fmtBytes(m.heapBytes),
          l === base ? '—' : m.held.toLocaleString('en-US'),
          l === base ? '—' : fmtBytes(bytesPerSpan(l)),
          fmtBytes(m.heapBytes / m.n),
        ];
      }),
    ),
  );
  console.log(
    "spans held = the library's own count at that moment when it exposes one (Langfuse, Autolog, LangSmith: none dropped), " +
      'otherwise the number it went on to deliver (OpenTelemetry drops the rest on arrival). Main-thread V8 heap only.',
  );

  console.log('');
  console.log(
    `== Flood: ${CFG.floodN.toLocaleString('en-US')} spans in a loop that never yields, then flush ==`,
  );
  console.log(
    renderTable(
      [
        'library',
        'spans',
        'delivered',
        'not delivered',
        'held heap after loop',
        'peak heap Δ',
        'peak RSS Δ',
        'loop',
        'flush',
      ],
      live.map((l) => {
        const f = l.flood;
        if (!f) return [l.a.name, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a'];
        const recv = f.received;
        const n = f.n;
        const capped = n < CFG.floodN ? ' (capped)' : '';
        let delivered: string;
        let missing: string;
        if (l === base) [delivered, missing] = ['—', '—'];
        else if (f.mode === 'loop-only') [delivered, missing] = ['not flushed', '—'];
        else if (recv === undefined) [delivered, missing] = ['n/a', 'n/a'];
        else {
          delivered = `${recv.toLocaleString('en-US')} (${fmtPct(recv / n)})`;
          missing = `${(n - recv).toLocaleString('en-US')}${f.flushDone ? (recv < n ? ' (dropped)' : '') : ' (flush unfinished)'}`;
        }
        return [
          l.a.name,
          `${n.toLocaleString('en-US')}${capped}`,
          delivered,
          missing,
          fmtBytes(f.heldHeapBytes),
          fmtBytes(f.peakHeapBytes),
          fmtBytes(f.peakRssBytes),
          `${(f.loopMs / 1000).toFixed(2)} s`,
          f.mode === 'loop-only'
            ? 'skipped'
            : `${(f.flushMs / 1000).toFixed(2)} s${f.flushDone ? '' : ' (time box)'}`,
        ];
      }),
    ),
  );
  for (const l of live) if (l.flood?.note) console.log(`  ${l.a.name}: ${l.flood.note}`);
  console.log(
    `"capped" = the loop stopped after ${CFG.floodBudgetMs / 1000} s (checked every 1,000 calls); "not flushed" = the ` +
      'export is too slow to wait for (minutes), so the library is measured right after the loop and its backlog never ' +
      'runs. "dropped" = the flush finished and these spans never ' +
      'reached the sink/store, without an error or warning from the library unless a note above says so. ' +
      'Peak heap/RSS Δ: sampled every 10 ms during the flush (loop-only: right after the loop).',
  );
  console.log('');
  console.log('Setups:');
  for (const l of live) console.log(`  ${l.a.name}: ${l.a.describe}`);
  for (const s of skipped) console.log(`  ${s.name}: SKIPPED — ${s.reason}`);
  console.log(
    'sink traffic: ' +
      Object.entries(sinkStats)
        .map(
          ([k, s]) =>
            `${k}: ${s.requests} requests, ${fmtBytes(s.bytes)}${s.parseErrors ? `, ${s.parseErrors} unparsed` : ''}`,
        )
        .join('; '),
  );
  const unexpected = Object.keys(sinkStats).filter((k) => !live.some((l) => l.a.sinkKey === k));
  if (unexpected.length)
    console.log(
      `  unexpected sink paths: ${unexpected.map((k) => `${k} ${JSON.stringify(sinkStats[k].paths)}`).join(' ')}`,
    );
  console.log(`bench time ${((Date.now() - started) / 1000).toFixed(0)} s (${timing.join(', ')})`);

  if (blackhole === 0.5) console.log(''); // never true; keeps `blackhole` observable
  // The sink child exits when the IPC channel closes with this process.
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
