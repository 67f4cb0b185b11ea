/**
 * The added latency of tracing one OpenAI chat call, per library, against a local OpenAI-compatible
 * server on loopback (`@autolog/testkit`'s, run in a child process so its CPU is not charged here),
 * plain and streamed (200 content chunks, stream consumed to the end), interleaved round by round
 * in one process so machine drift hits every library alike:
 *
 * - untraced: a plain `openai` v7 client;
 * - Autolog: `openaiPlugin.wrap(client)` from `@autolog/openai` on its own client, writing to the
 *   embedded local store (`init({ destination: 'sqlite:///<tmp>/bench.db' })`, background writes);
 * - OpenInference: `@arizeai/openinference-instrumentation-openai` `OpenAIInstrumentation`,
 *   `manuallyInstrument({ OpenAI })` on a NodeTracerProvider + BatchSpanProcessor + OTLPTraceExporter
 *   (HTTP/JSON) to the loopback sink (`./sink.ts`, a child process);
 * - OpenLLMetry: `@traceloop/instrumentation-openai` `OpenAIInstrumentation`, same pattern;
 * - Langfuse: `observeOpenAI(client)` from `@langfuse/openai`, exported through `LangfuseSpanProcessor`
 *   (batched OTLP/HTTP) to the loopback sink;
 * - LangSmith: `wrapOpenAI(client, { client: new Client({ apiUrl: sink }), tracingEnabled: true })`.
 *
 * Two parts. First, before any other library has run, an app whose only tracing is Autolog's
 * OpenAI integration: untraced, Autolog, and the untraced client with an `AsyncLocalStorage`
 * enabled around its turn (on Node 20 async context tracking puts hooks on every promise of the
 * process; the row shows what that costs, and the heading whether Autolog's calls turned it on).
 * Then every library, with async context tracking on throughout: each of the others needs it,
 * and an app that traces its own functions has it on anyway.
 *
 * Every library wraps its own client instance. The two OpenTelemetry instrumentations patch the
 * SDK's prototypes (there is no per-instance mode), so they are patched at the start of their own
 * batch and unpatched at its end: no batch ever runs through another library's wrapper.
 *
 * Run:
 *   cd bench && pnpm run build:deps && node --expose-gc --import tsx src/openai-bench.ts
 * (BENCH_QUICK=1 for a smoke run; BENCH_ROUNDS, BENCH_PLAIN_CALLS, BENCH_STREAMED_CALLS and BENCH_LIBS
 * for longer or narrower runs, see README.md).
 */
import { AsyncLocalStorage, executionAsyncId } from 'node:async_hooks';
import { cpus, loadavg } from 'node:os';
import { OpenAIInstrumentation as OIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { flushTraces, init, shutdown } from '@autolog/core';
import { openaiPlugin } from '@autolog/openai';
import { observeOpenAI } from '@langfuse/openai';
import { LangfuseSpanProcessor } from '@langfuse/otel';
import { trace } from '@opentelemetry/api';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OpenAIInstrumentation as TraceloopInstrumentation } from '@traceloop/instrumentation-openai';
import { Client as LangSmithClient } from 'langsmith';
import { wrapOpenAI } from 'langsmith/wrappers';
import OpenAI from 'openai';
import { type BenchStore, createBenchStore } from './bench-store.js';
import { type ChildOpenAIServer, startOpenAIServerChild } from './openai-bench/server.js';
import { activateOtelContext, deactivateOtelContext } from './otel-context.js';
import { otlpToSink, type Sink, startSink } from './sink.js';
import { median, medianInterval, relMad, renderTable } from './stats.js';

const QUICK = process.env.BENCH_QUICK === '1';

/** A positive integer from the environment, or `fallback` when unset; anything else stops the bench. */
function envCount(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

const CFG = QUICK
  ? { rounds: 3, aloneRounds: 2, plain: 40, streamed: 10, warmupPlain: 20, warmupStreamed: 5, chunk: 5 }
  : { rounds: 20, aloneRounds: 8, plain: 100, streamed: 30, warmupPlain: 60, warmupStreamed: 15, chunk: 5 };
// Longer runs narrow the intervals: BENCH_ROUNDS (both parts), BENCH_PLAIN_CALLS and
// BENCH_STREAMED_CALLS (calls per library per round).
CFG.rounds = envCount('BENCH_ROUNDS', CFG.rounds);
CFG.aloneRounds = envCount('BENCH_ROUNDS', CFG.aloneRounds);
CFG.plain = envCount('BENCH_PLAIN_CALLS', CFG.plain);
CFG.streamed = envCount('BENCH_STREAMED_CALLS', CFG.streamed);
const STREAM_CHUNKS = 200;
const MODEL = 'gpt-4o-mini';
const MESSAGES = [
  { role: 'system' as const, content: 'You are terse.' },
  // The server echoes the user text and caps the chunk count at the reply's length in characters,
  // so the prompt is long enough (≈ 260 characters) for 200 content chunks.
  {
    role: 'user' as const,
    content:
      'Summarize the following note in one line: the quarterly report shows revenue up eight percent, ' +
      'costs flat, two new regions opened, churn down slightly, and the team plans to ship the new ' +
      'onboarding flow next month after the security review is complete.',
  },
];

// ---------------------------------------------------------------------------------------------
// Libraries

type Mode = 'plain' | 'streamed';

interface Library {
  name: string;
  /** How it is wired, printed under the tables. */
  how: string;
  /** Its own client (set in setup). */
  client?: OpenAI;
  /** Set when the library cannot run here: the row reads 'n/a' with this reason. */
  unavailable?: string;
  setup(ctx: { serverUrl: string; sink: Sink }): Promise<void>;
  activate(): void;
  deactivate(): void;
  flush(): Promise<void>;
  /** Spans / runs delivered so far (exporter, sink or store); undefined when not counted. */
  delivered(sink: Sink): Promise<number | undefined>;
  teardown(): Promise<void>;
}

const newClient = (baseURL: string) =>
  new OpenAI({ baseURL, apiKey: 'sk-bench', maxRetries: 0, timeout: 30_000 });

const untraced: Library = {
  name: 'untraced',
  how: 'plain openai client',
  async setup({ serverUrl }) {
    this.client = newClient(serverUrl);
  },
  activate: () => undefined,
  deactivate: () => undefined,
  flush: async () => undefined,
  delivered: async () => undefined,
  teardown: async () => undefined,
};

let autologStore: BenchStore | undefined;
/** BENCH_AUTOLOG_DEST=memory (or any destination URI) shows what the local store adds, as in bench:core. */
const AUTOLOG_DEST = process.env.BENCH_AUTOLOG_DEST || undefined;
const autolog: Library = {
  name: 'Autolog',
  how: AUTOLOG_DEST
    ? `openaiPlugin.wrap(client), init({ destination: '${AUTOLOG_DEST}' })`
    : "openaiPlugin.wrap(client), init({ destination: 'sqlite:///<tmp>/bench.db' }) (the built package: the store writes on its own thread)",
  async setup({ serverUrl }) {
    autologStore = AUTOLOG_DEST ? undefined : createBenchStore('autolog-openai-bench-');
    init({ destination: AUTOLOG_DEST ?? autologStore!.uri, silent: true });
    this.client = openaiPlugin.wrap(newClient(serverUrl));
  },
  activate: () => undefined,
  deactivate: () => undefined,
  flush: async () => void (await flushTraces()),
  delivered: async () => autologStore?.countSpans(),
  async teardown() {
    await shutdown();
    autologStore?.remove();
  },
};

/** OpenInference patches `OpenAI.Chat.Completions.prototype` etc. of the module object it is given. */
let oiProvider: NodeTracerProvider | undefined;
let oiInst: OIInstrumentation | undefined;
// A plain object (the ESM namespace is frozen; the instrumentation sets a flag on the module).
const oiModule = { OpenAI } as unknown as Parameters<OIInstrumentation['manuallyInstrument']>[0];
const openInference: Library = {
  name: 'OpenInference',
  how: 'OpenAIInstrumentation.manuallyInstrument({ OpenAI }), NodeTracerProvider + BatchSpanProcessor + OTLPTraceExporter (HTTP/JSON) → loopback sink',
  async setup({ serverUrl, sink }) {
    oiProvider = new NodeTracerProvider({
      spanProcessors: [new BatchSpanProcessor(otlpToSink(sink.url, 'openinference'))],
    });
    oiInst = new OIInstrumentation({ instrumentationConfig: { enabled: false } } as never);
    oiInst.setTracerProvider(oiProvider);
    this.client = newClient(serverUrl);
  },
  activate() {
    activateOtelContext();
    oiInst!.manuallyInstrument(oiModule);
  },
  deactivate() {
    (oiInst as unknown as { unpatch(m: unknown): void }).unpatch(oiModule);
    deactivateOtelContext();
  },
  flush: async () => void (await oiProvider!.forceFlush()),
  delivered: async (sink) => (await sink.stats()).openinference?.spans ?? 0,
  teardown: async () => void (await oiProvider?.shutdown()),
};

/** OpenLLMetry's `manuallyInstrument(module)` wants the class (`module.Chat.Completions.prototype`). */
let tlProvider: NodeTracerProvider | undefined;
let tlInst: TraceloopInstrumentation | undefined;
const openLLMetry: Library = {
  name: 'OpenLLMetry',
  how: 'OpenAIInstrumentation.manuallyInstrument(OpenAI), NodeTracerProvider + BatchSpanProcessor + OTLPTraceExporter (HTTP/JSON) → loopback sink',
  async setup({ serverUrl, sink }) {
    tlProvider = new NodeTracerProvider({
      spanProcessors: [new BatchSpanProcessor(otlpToSink(sink.url, 'openllmetry'))],
    });
    tlInst = new TraceloopInstrumentation({ enabled: false });
    tlInst.setTracerProvider(tlProvider);
    this.client = newClient(serverUrl);
  },
  activate() {
    activateOtelContext();
    tlInst!.manuallyInstrument(OpenAI as never);
  },
  deactivate() {
    const unwrap = (tlInst as unknown as { _unwrap(o: object, m: string): void })._unwrap.bind(tlInst);
    const O = OpenAI as unknown as Record<string, { prototype: object }>;
    unwrap(
      (OpenAI as unknown as { Chat: { Completions: { prototype: object } } }).Chat.Completions.prototype,
      'create',
    );
    unwrap(O.Completions.prototype, 'create');
    if (O.Responses) unwrap(O.Responses.prototype, 'create');
    if (O.Images) for (const m of ['generate', 'edit', 'createVariation']) unwrap(O.Images.prototype, m);
    deactivateOtelContext();
  },
  flush: async () => void (await tlProvider!.forceFlush()),
  delivered: async (sink) => (await sink.stats()).openllmetry?.spans ?? 0,
  teardown: async () => void (await tlProvider?.shutdown()),
};

let lfProcessor: LangfuseSpanProcessor | undefined;
let lfProvider: NodeTracerProvider | undefined;
const langfuse: Library = {
  name: 'Langfuse',
  how: 'observeOpenAI(client), LangfuseSpanProcessor (pk-lf-bench / sk-lf-bench) → loopback sink',
  async setup({ serverUrl, sink }) {
    lfProcessor = new LangfuseSpanProcessor({
      publicKey: 'pk-lf-bench',
      secretKey: 'sk-lf-bench',
      baseUrl: `${sink.url}/langfuse`,
    });
    lfProvider = new NodeTracerProvider({ spanProcessors: [lfProcessor] });
    if (!trace.setGlobalTracerProvider(lfProvider)) throw new Error('global tracer provider already set');
    this.client = observeOpenAI(newClient(serverUrl));
  },
  activate: activateOtelContext,
  deactivate: deactivateOtelContext,
  flush: async () => void (await lfProcessor!.forceFlush()),
  delivered: async (sink) => (await sink.stats()).langfuse?.spans ?? 0,
  async teardown() {
    await lfProvider?.shutdown();
    trace.disable();
  },
};

let lsClient: LangSmithClient | undefined;
const langsmith: Library = {
  name: 'LangSmith',
  how: "wrapOpenAI(client, { client: new Client({ apiUrl: sink, apiKey: 'bench-not-a-secret' }), tracingEnabled: true })",
  async setup({ serverUrl, sink }) {
    lsClient = new LangSmithClient({ apiUrl: `${sink.url}/langsmith`, apiKey: 'bench-not-a-secret' });
    this.client = wrapOpenAI(newClient(serverUrl), { client: lsClient, tracingEnabled: true });
  },
  activate: () => undefined,
  deactivate: () => undefined,
  flush: async () => void (await lsClient!.awaitPendingTraceBatches()),
  delivered: async (sink) => (await sink.stats()).langsmith?.spans ?? 0,
  teardown: async () => void (await lsClient?.awaitPendingTraceBatches()),
};

/**
 * What any tracer must do at the least, with nothing recorded: see the response (one `then`) and,
 * for a stream, each chunk (one `then` per chunk, through the SDK's own stream object). Its row is
 * the floor under every library's added time.
 */
function observeOnly(client: OpenAI): OpenAI {
  const completions = client.chat.completions as unknown as Record<string, (...a: unknown[]) => unknown>;
  const create = completions.create;
  const seen = (r: IteratorResult<unknown>) => {
    if (!r.done) blackhole ^= 1;
    return r;
  };
  completions.create = function (this: unknown, ...args: unknown[]) {
    const promise = create.apply(this, args) as { _thenUnwrap(f: (v: any) => unknown): unknown };
    return promise._thenUnwrap((value) => {
      if (typeof value?.iterator !== 'function') return value;
      const iterator = value.iterator;
      value.iterator = function (this: unknown) {
        const it = iterator.call(this);
        return {
          next: () => it.next().then(seen),
          return: (v: unknown) => it.return(v),
          [Symbol.asyncIterator]() {
            return this;
          },
        };
      };
      return value;
    });
  };
  return client;
}

const floor: Library = {
  name: 'floor: observe only',
  how: 'no tracing: create() sees the response (one then) and each stream chunk (one then per chunk), the least any tracer does',
  async setup({ serverUrl }) {
    this.client = observeOnly(newClient(serverUrl));
  },
  activate: () => undefined,
  deactivate: () => undefined,
  flush: async () => undefined,
  delivered: async () => undefined,
  teardown: async () => undefined,
};

const ALL = [untraced, floor, autolog, openInference, openLLMetry, langfuse, langsmith];

/** BENCH_LIBS=openinference,langfuse: only these besides untraced, the floor and Autolog (names, case-insensitive, by prefix). */
const only = process.env.BENCH_LIBS?.toLowerCase().split(',').filter(Boolean);
const chosen = (lib: Library) => !only?.length || only.some((n) => lib.name.toLowerCase().startsWith(n));

/**
 * Node 20 tracks async context (`AsyncLocalStorage`) with hooks on every promise of the process,
 * switched on by the first `run` and off again only when every storage is disabled. This row is
 * the untraced client with one storage enabled around its turn: what an app pays once anything
 * in it propagates async context.
 */
const hooksProbe = new AsyncLocalStorage<object>();
const untracedWithHooks: Library = {
  name: 'untraced, async hooks on',
  how: 'the untraced client while an AsyncLocalStorage is enabled (disabled after its turn)',
  async setup() {
    this.client = untraced.client;
  },
  activate: () => hooksProbe.run({}, () => undefined),
  deactivate: () => hooksProbe.disable(),
  flush: async () => undefined,
  delivered: async () => undefined,
  teardown: async () => undefined,
};

/** True while the process tracks async context: a promise continuation then has its own id. */
async function asyncHooksOn(): Promise<boolean> {
  await null;
  return executionAsyncId() !== 0;
}

// ---------------------------------------------------------------------------------------------
// Calls

const STREAM_OPTS = { headers: { 'x-testkit-chunks': String(STREAM_CHUNKS) } };

async function callPlain(client: OpenAI, i: number): Promise<number> {
  const r = await client.chat.completions.create({
    model: MODEL,
    messages: [...MESSAGES.slice(0, 1), { role: 'user', content: `${MESSAGES[1].content} #${i}` }],
  });
  return r.choices[0]?.message?.content?.length ?? 0;
}

async function callStreamed(client: OpenAI, i: number): Promise<number> {
  const stream = await client.chat.completions.create(
    {
      model: MODEL,
      messages: [...MESSAGES.slice(0, 1), { role: 'user', content: `${MESSAGES[1].content} #${i}` }],
      stream: true,
      stream_options: { include_usage: true },
    },
    STREAM_OPTS,
  );
  let chunks = 0;
  let len = 0;
  for await (const c of stream) {
    chunks++;
    len += c.choices[0]?.delta?.content?.length ?? 0;
  }
  return chunks * 1_000_000 + len;
}

// ---------------------------------------------------------------------------------------------
// Measurement

const gc: () => void =
  (globalThis as { gc?: () => void }).gc ??
  (() => {
    throw new Error('run node with --expose-gc');
  });
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
let blackhole = 0;

/** Times `n` sequential calls through the library (activated around them). Wall µs in total. */
async function timedChunk(
  lib: Library,
  mode: Mode,
  n: number,
  offset: number,
): Promise<{ wall: number; cpu: number }> {
  const client = lib.client!;
  const call = mode === 'plain' ? callPlain : callStreamed;
  lib.activate();
  try {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) blackhole ^= await call(client, offset + i);
    const wall = Number(process.hrtime.bigint() - t0) / 1000;
    // The library's own export work for these calls is its cost, not the next library's.
    await lib.flush();
    const c = process.cpuUsage(c0);
    return { wall, cpu: c.user + c.system };
  } finally {
    lib.deactivate();
  }
}

/**
 * One round: `calls` calls per library, in chunks of `CFG.chunk` with the libraries interleaved
 * chunk by chunk (the order rotated every chunk), so drift of the machine within the round hits
 * every library alike. After each chunk the library flushes (not in the wall time, in the CPU).
 * Wall and all-in CPU µs per call, by library.
 */
async function round(
  libs: Library[],
  mode: Mode,
  calls: number,
  r: number,
): Promise<Map<Library, { wall: number; cpu: number }>> {
  if (process.env.BENCH_NO_GC !== '1') gc();
  const sums = new Map<Library, { wall: number; cpu: number }>(libs.map((l) => [l, { wall: 0, cpu: 0 }]));
  for (let done = 0, slot = 0; done < calls; done += CFG.chunk, slot++) {
    const n = Math.min(CFG.chunk, calls - done);
    for (let i = 0; i < libs.length; i++) {
      const lib = libs[(i + slot + r) % libs.length];
      const t = await timedChunk(lib, mode, n, done);
      const sum = sums.get(lib)!;
      sum.wall += t.wall;
      sum.cpu += t.cpu;
      await yieldToEventLoop();
    }
  }
  return new Map(libs.map((l) => [l, { wall: sums.get(l)!.wall / calls, cpu: sums.get(l)!.cpu / calls }]));
}

function log(msg: string): void {
  process.stderr.write(`[openai-bench] ${msg}\n`);
}

const fmtUs0 = (us: number) =>
  Number.isFinite(us) ? (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(0)} µs`) : 'n/a';
const fmtAdded = (us: number) =>
  Number.isFinite(us) ? `${us >= 0 ? '+' : '−'}${Math.abs(us).toFixed(0)} µs` : 'n/a';
const fmtPctSigned = (x: number) =>
  Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} %` : 'n/a';

function machineLine(): string {
  const c = cpus();
  return `machine: ${c[0]?.model?.trim() || 'unknown CPU'}, ${c.length} cores; node ${process.version} (${process.platform}-${process.arch}); load avg ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`;
}

type Results = Record<Mode, Map<Library, { wall: number[]; cpu: number[] }>>;

/** Warm-up, then `rounds` interleaved rounds of both modes; wall and CPU µs per call per round. */
async function measure(libs: Library[], rounds: number, t0: number, label: string): Promise<Results> {
  await round(libs, 'plain', CFG.warmupPlain, 0);
  await round(libs, 'streamed', CFG.warmupStreamed, 0);
  const results: Results = {
    plain: new Map(libs.map((l) => [l, { wall: [], cpu: [] }])),
    streamed: new Map(libs.map((l) => [l, { wall: [], cpu: [] }])),
  };
  for (let r = 0; r < rounds; r++) {
    for (const mode of ['plain', 'streamed'] as const) {
      const perCall = await round(libs, mode, mode === 'plain' ? CFG.plain : CFG.streamed, r);
      for (const lib of libs) {
        results[mode].get(lib)!.wall.push(perCall.get(lib)!.wall);
        results[mode].get(lib)!.cpu.push(perCall.get(lib)!.cpu);
      }
    }
    log(`${label}: round ${r + 1}/${rounds} done (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  return results;
}

/** One table per mode: medians over rounds, added = median of (library − untraced) in the same round. */
function printTables(
  libs: Library[],
  results: Results,
  rounds: number,
  extra?: { header: string; cell: (lib: Library) => string },
): void {
  for (const mode of ['plain', 'streamed'] as const) {
    const res = results[mode];
    const base = res.get(untraced)!;
    const baseMed = median(base.wall);
    const rows: string[][] = [];
    for (const lib of libs) {
      const extraCell = extra ? [extra.cell(lib)] : [];
      if (lib.unavailable || !res.has(lib)) {
        rows.push([
          lib.name,
          'n/a',
          'n/a',
          'n/a',
          'n/a',
          'n/a',
          'n/a',
          'n/a',
          ...(extra ? [`n/a: ${lib.unavailable}`] : []),
        ]);
        continue;
      }
      const { wall, cpu } = res.get(lib)!;
      const perRound = wall.map((x, i) => x - base.wall[i]);
      const added = median(perRound);
      const [lo, hi] = medianInterval(perRound);
      const cpuAdded = median(cpu.map((x, i) => x - base.cpu[i]));
      const isBase = lib === untraced;
      rows.push([
        lib.name,
        fmtUs0(median(wall)),
        isBase ? '—' : fmtAdded(added),
        isBase ? '—' : `${fmtAdded(lo)} … ${fmtAdded(hi)}`,
        isBase ? '—' : fmtPctSigned(added / baseMed),
        `${(relMad(wall) * 100).toFixed(1)} %`,
        fmtUs0(median(cpu)),
        isBase ? '—' : fmtAdded(cpuAdded),
        ...extraCell,
      ]);
    }
    const n = mode === 'plain' ? CFG.plain : CFG.streamed;
    const what =
      mode === 'plain'
        ? `plain chat.completions.create, ${rounds} interleaved rounds × ${n} calls`
        : `streamed chat.completions.create (${STREAM_CHUNKS} content chunks + include_usage, stream consumed), ${rounds} interleaved rounds × ${n} calls`;
    console.log(`\nOpenAI ${what}, medians over rounds`);
    console.log(
      renderTable(
        [
          'library',
          'wall / call',
          'added vs untraced',
          'added, 95 % interval',
          '% of untraced',
          'spread (MAD)',
          'CPU / call',
          'added CPU',
          ...(extra ? [extra.header] : []),
        ],
        rows,
      ),
    );
  }
}

/**
 * Autolog against each other library, paired by round (both ran in the same round, turn by turn):
 * the median of (Autolog − library) with its 95 % interval, and whether the interval excludes zero.
 */
function printComparisons(libs: Library[], results: Results): void {
  console.log('\nAutolog − each library, wall time per call, paired by round (median, 95 % interval):');
  for (const mode of ['plain', 'streamed'] as const) {
    const res = results[mode];
    const own = res.get(autolog);
    if (!own) continue;
    const cells: string[] = [];
    for (const lib of libs) {
      if (lib === untraced || lib === autolog || lib === floor || !res.has(lib)) continue;
      const diff = own.wall.map((x, i) => x - res.get(lib)!.wall[i]);
      const [lo, hi] = medianInterval(diff);
      const verdict =
        diff.length < 6
          ? 'too few rounds to tell'
          : hi < 0
            ? 'lower'
            : lo > 0
              ? 'higher'
              : 'no clear difference';
      cells.push(`${lib.name} ${fmtAdded(median(diff))} (${fmtAdded(lo)} … ${fmtAdded(hi)}: ${verdict})`);
    }
    console.log(`  ${mode}: ${cells.join('; ')}`);
  }
}

/**
 * What an app sees when it stops reading a stream early through this library: whether it still
 * gets the SDK's own `Stream`, and whether `break` still aborts the request (untraced, the SDK
 * aborts it, so the server stops generating). The bench's streamed call, left after 3 chunks.
 */
async function earlyBreak(lib: Library): Promise<string> {
  lib.activate();
  try {
    const stream = await lib.client!.chat.completions.create(
      { model: MODEL, messages: MESSAGES, stream: true },
      STREAM_OPTS,
    );
    let read = 0;
    for await (const _chunk of stream) if (++read === 3) break;
    const signal = (stream as { controller?: AbortController }).controller?.signal;
    if (!signal) return "not the SDK's Stream";
    // Whatever reads the stream on the library's side has time to go on reading.
    await new Promise((resolve) => setTimeout(resolve, 300));
    return signal.aborted ? 'aborted' : 'NOT aborted, the stream is read on';
  } catch (err) {
    return `failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  } finally {
    lib.deactivate();
  }
}

async function setUp(lib: Library, server: ChildOpenAIServer, sink: Sink): Promise<boolean> {
  try {
    await lib.setup({ serverUrl: server.url, sink });
    // Smoke check: one plain and one streamed call through the library's own client.
    lib.activate();
    try {
      const plainLen = await callPlain(lib.client!, 0);
      const s = await callStreamed(lib.client!, 0);
      const chunks = Math.floor(s / 1_000_000);
      if (plainLen === 0 || chunks < STREAM_CHUNKS)
        throw new Error(`unexpected reply (len ${plainLen}, ${chunks} chunks)`);
    } finally {
      lib.deactivate();
    }
    await lib.flush();
    return true;
  } catch (err) {
    lib.unavailable = err instanceof Error ? err.message : String(err);
    log(`${lib.name}: n/a (${lib.unavailable})`);
    return false;
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const [server, sink] = await Promise.all([startOpenAIServerChild(), startSink()]);
  try {
    console.log(`\n${machineLine()}`);
    // Part 1, before any other library has run: an app that only autologs its OpenAI calls.
    const alone = [untraced, floor, autolog, untracedWithHooks];
    for (const lib of alone)
      if (!(await setUp(lib, server, sink))) throw new Error(`${lib.name} failed: ${lib.unavailable}`);
    if (await asyncHooksOn()) throw new Error('async hooks are on before the first measurement');
    const aloneResults = await measure(alone, CFG.aloneRounds, t0, 'Autolog alone');
    await callStreamed(autolog.client!, 0);
    const hooksAfterAutolog = await asyncHooksOn();
    console.log(
      `\n== Autolog alone: an app whose only tracing is autologged OpenAI calls (async hooks on after Autolog's calls: ${hooksAfterAutolog ? 'yes' : 'no'}) ==`,
    );
    printTables(alone, aloneResults, CFG.aloneRounds);

    // Part 2: every library, with async context tracking on throughout (each of the others needs
    // it, and so does Autolog once the app traces its own functions).
    new AsyncLocalStorage<object>().run({}, () => undefined);
    const libs: Library[] = [untraced, floor, autolog];
    for (const lib of ALL)
      if (!libs.includes(lib) && chosen(lib) && (await setUp(lib, server, sink))) libs.push(lib);
    log(
      `server ${server.url}; sink ${sink.url}; warm-up: ${CFG.warmupPlain} plain + ${CFG.warmupStreamed} streamed calls per library`,
    );
    const before = new Map<Library, number | undefined>();
    // Everything from the smoke checks and part 1 is delivered before counting starts.
    for (const lib of libs) await lib.flush();
    for (const lib of libs) before.set(lib, await lib.delivered(sink));
    const results = await measure(libs, CFG.rounds, t0, 'all libraries');
    const delivered = new Map<Library, string>();
    const expected = CFG.rounds * (CFG.plain + CFG.streamed) + CFG.warmupPlain + CFG.warmupStreamed;
    for (const lib of libs) {
      const d = await lib.delivered(sink);
      delivered.set(
        lib,
        d === undefined
          ? '—'
          : `${(d - (before.get(lib) ?? 0)).toLocaleString('en-US')} / ${expected.toLocaleString('en-US')}`,
      );
    }
    console.log('\n== All libraries, async context tracking on throughout ==');
    printTables(
      ALL.filter((lib) => libs.includes(lib) || (chosen(lib) && lib.unavailable)),
      results,
      CFG.rounds,
      {
        header: 'spans delivered (plain+streamed)',
        cell: (lib) => (lib === untraced ? '—' : (delivered.get(lib) ?? '—')),
      },
    );
    printComparisons(libs, results);
    const breaks: string[] = [];
    for (const lib of libs) if (lib !== floor) breaks.push(`${lib.name}: ${await earlyBreak(lib)}`);
    console.log(
      `\nEarly break (the app leaves a ${STREAM_CHUNKS}-chunk stream after 3 chunks; untraced, the SDK aborts the request): ${breaks.join('; ')}`,
    );
    console.log(
      `\nadded = median over rounds of (library − untraced in the same round), wall time per call; within a round the libraries take turns every ${CFG.chunk} calls and flush after each turn (flushes are not in the wall time).\n` +
        'CPU / call = process CPU (all threads: the app thread, the local store writer, GC) for the calls and the flush after them; the server and sink run in other processes.\n' +
        'server: @autolog/testkit OpenAI server in a child process on 127.0.0.1; sink for Langfuse/LangSmith: ./sink.ts child process.',
    );
    for (const lib of [...ALL, untracedWithHooks]) console.log(`  ${lib.name}: ${lib.how}`);
    log(`total ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  } finally {
    for (const lib of ALL)
      await lib.teardown().catch((err) => log(`teardown of ${lib.name} failed: ${String(err)}`));
    await sink.stop();
    await server.stop();
    if (blackhole === 0.5) console.log(blackhole);
  }
}

await main();
