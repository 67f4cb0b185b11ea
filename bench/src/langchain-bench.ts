/**
 * The added cost of tracing one LangChain chain run, per library, in one process, interleaved
 * round by round so machine drift hits every library alike:
 *
 * - untraced: the chain alone;
 * - Autolog: `@autolog/langchain`'s global handler (`langchainPlugin.enable()`: what `autolog()`
 *   does, less the configure hook, whose context variable would stay in this process's context
 *   and charge the other rows), writing to the embedded local store (`sqlite:///<tmp>`);
 * - OpenInference: `LangChainInstrumentation` (patches `CallbackManager._configureSync`) on a
 *   NodeTracerProvider + BatchSpanProcessor + OTLPTraceExporter (HTTP/JSON) to the loopback sink;
 * - Langfuse: `CallbackHandler` from `@langfuse/langchain` passed per call, exporting through
 *   `LangfuseSpanProcessor` (batched OTLP/HTTP) to the loopback sink (`./sink.ts`: a node:http
 *   server on 127.0.0.1 in a child process that drains and discards).
 *
 * The chain: RunnableSequence(normalize lambda → to_messages lambda → fake chat model with usage
 * → parse lambda): 5 runs per call, no network. Run:
 *   cd bench && pnpm run build:deps && node --expose-gc --import tsx src/langchain-bench.ts
 * (BENCH_QUICK=1 for a smoke run).
 */
import { LangChainInstrumentation } from '@arizeai/openinference-instrumentation-langchain';
import { flushTraces, init, shutdown } from '@autolog/core';
import { langchainPlugin } from '@autolog/langchain';
import * as CallbackManagerModule from '@langchain/core/callbacks/manager';
import { awaitAllCallbacks } from '@langchain/core/callbacks/promises';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage, HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { RunnableLambda, RunnableSequence } from '@langchain/core/runnables';
import { CallbackHandler } from '@langfuse/langchain';
import { LangfuseSpanProcessor } from '@langfuse/otel';
import { trace } from '@opentelemetry/api';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { type BenchStore, createBenchStore } from './bench-store.js';
import { activateOtelContext, deactivateOtelContext } from './otel-context.js';
import { otlpToSink, type Sink, startSink } from './sink.js';
import { fmtRatio, fmtUs, median, relMad, renderTable } from './stats.js';

const QUICK = process.env.BENCH_QUICK === '1';
const CFG = QUICK
  ? { rounds: 4, runs: 150, warmup: 100, chunk: 50 }
  : { rounds: 12, runs: 600, warmup: 400, chunk: 100 };
const RUNS_PER_CALL = 5;

// ---------------------------------------------------------------------------------------------
// The chain

/** A chat model answering `Echo: <last message>` with token usage, like a provider would. */
class BenchChatModel extends BaseChatModel {
  _llmType(): string {
    return 'bench-chat';
  }
  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const text = `Echo: ${String(messages[messages.length - 1]?.content ?? '')}`;
    const message = new AIMessage({
      content: text,
      usage_metadata: { input_tokens: 12, output_tokens: 4, total_tokens: 16 },
      response_metadata: { model_name: 'bench-model' },
    });
    return { generations: [{ text, message }] };
  }
}

const chain = RunnableSequence.from([
  RunnableLambda.from((x: { question: string }) => x.question.trim()).withConfig({ runName: 'normalize' }),
  RunnableLambda.from((q: string) => [new SystemMessage('You are terse.'), new HumanMessage(q)]).withConfig({
    runName: 'to_messages',
  }),
  new BenchChatModel({}),
  RunnableLambda.from((m: AIMessage) => String(m.content).length).withConfig({ runName: 'parse' }),
]);

// ---------------------------------------------------------------------------------------------
// Libraries

interface Library {
  name: string;
  setup(sink: Sink): Promise<void>;
  activate(): Promise<void> | void;
  deactivate(): void;
  /** Callbacks to pass per call (Langfuse's way); undefined for global registration. */
  callbacks?: () => unknown[];
  flush(): Promise<void>;
  /** Spans delivered so far (to the sink, exporter or store). */
  delivered(sink: Sink): Promise<number | undefined>;
  teardown(): Promise<void>;
}

const untraced: Library = {
  name: 'untraced',
  setup: async () => undefined,
  activate: () => undefined,
  deactivate: () => undefined,
  flush: async () => undefined,
  delivered: async () => undefined,
  teardown: async () => undefined,
};

let autologStore: BenchStore | undefined;
const autolog: Library = {
  name: 'Autolog',
  async setup() {
    autologStore = createBenchStore('autolog-lc-bench-');
    init({ destination: autologStore.uri, silent: true });
  },
  async activate() {
    langchainPlugin.configure();
    const status = await langchainPlugin.enable();
    if (!status.enabled) throw new Error(`@autolog/langchain not enabled: ${status.reason}`);
  },
  deactivate: () => langchainPlugin.disable(),
  flush: async () => void (await flushTraces()),
  delivered: async () => autologStore!.countSpans(),
  async teardown() {
    await shutdown();
    autologStore?.remove();
  },
};

let oiProvider: NodeTracerProvider | undefined;
let oiInstrumentation: LangChainInstrumentation | undefined;
const openInference: Library = {
  name: 'OpenInference',
  async setup(sink) {
    oiProvider = new NodeTracerProvider({
      spanProcessors: [new BatchSpanProcessor(otlpToSink(sink.url, 'openinference'))],
    });
    oiInstrumentation = new LangChainInstrumentation({ instrumentationConfig: { enabled: false } });
    oiInstrumentation.setTracerProvider(oiProvider);
  },
  activate() {
    activateOtelContext();
    oiInstrumentation!.manuallyInstrument(CallbackManagerModule);
  },
  deactivate() {
    // `unpatch` is what `manuallyInstrument` pairs with (typed private in the package).
    (oiInstrumentation as unknown as { unpatch(module: unknown): void }).unpatch(CallbackManagerModule);
    deactivateOtelContext();
  },
  flush: async () => void (await oiProvider!.forceFlush()),
  delivered: async (sink) => (await sink.stats()).openinference?.spans ?? 0,
  teardown: async () => void (await oiProvider?.shutdown()),
};

let lfProcessor: LangfuseSpanProcessor | undefined;
let lfProvider: NodeTracerProvider | undefined;
let lfHandler: CallbackHandler | undefined;
const langfuse: Library = {
  name: 'Langfuse',
  async setup(sink) {
    lfProcessor = new LangfuseSpanProcessor({
      publicKey: 'pk-lf-bench',
      secretKey: 'sk-lf-bench',
      baseUrl: `${sink.url}/langfuse`,
    });
    lfProvider = new NodeTracerProvider({ spanProcessors: [lfProcessor] });
    if (!trace.setGlobalTracerProvider(lfProvider)) throw new Error('global tracer provider already set');
    lfHandler = new CallbackHandler();
  },
  activate: activateOtelContext,
  deactivate: deactivateOtelContext,
  callbacks: () => [lfHandler!],
  async flush() {
    await awaitAllCallbacks();
    await lfProcessor!.forceFlush();
  },
  delivered: async (sink) => (await sink.stats()).langfuse?.spans ?? 0,
  async teardown() {
    await lfProvider?.shutdown();
    trace.disable();
  },
};

/** A handler that does nothing: what LangChain itself costs once any callback handler is present. */
const noopHandler = {
  name: 'noop_handler',
  awaitHandlers: true,
  copy() {
    return this;
  },
  handleChainStart() {},
  handleChainEnd() {},
  handleChatModelStart() {},
  handleLLMEnd() {},
};
const noop: Library = { ...untraced, name: 'no-op handler (floor)', callbacks: () => [noopHandler] };

const LIBRARIES = [untraced, noop, autolog, openInference, langfuse];

// ---------------------------------------------------------------------------------------------
// Measurement

const gc: () => void =
  (globalThis as { gc?: () => void }).gc ??
  (() => {
    throw new Error('run node with --expose-gc');
  });
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const cpuMicros = (u: NodeJS.CpuUsage) => u.user + u.system;
let blackhole = 0;

interface RoundResult {
  /** Wall-clock µs per chain call, timed chunks only. */
  hotUs: number;
  /** Process CPU µs per chain call over the whole round, flush included. */
  allInUs: number;
}

/** One library's round: chain calls awaited in chunks (yielding between chunks), then its flush. */
async function round(lib: Library, calls: number): Promise<RoundResult> {
  await lib.activate();
  gc();
  const options = lib.callbacks ? { callbacks: lib.callbacks() } : undefined;
  let wall = 0n;
  const c0 = process.cpuUsage();
  try {
    for (let done = 0; done < calls; done += CFG.chunk) {
      const n = Math.min(CFG.chunk, calls - done);
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++)
        blackhole ^= await chain.invoke({ question: ` question ${i} ` }, options as never);
      wall += process.hrtime.bigint() - t0;
      await yieldToEventLoop();
    }
    await lib.flush();
  } finally {
    lib.deactivate();
  }
  return { hotUs: Number(wall) / 1000 / calls, allInUs: cpuMicros(process.cpuUsage(c0)) / calls };
}

function log(msg: string): void {
  process.stderr.write(`[langchain-bench] ${msg}\n`);
}

async function main(): Promise<void> {
  const sink = await startSink();
  try {
    for (const lib of LIBRARIES) await lib.setup(sink);
    log(`warm-up: ${CFG.warmup} calls per library`);
    for (const lib of LIBRARIES) await round(lib, CFG.warmup);
    const before = new Map<Library, number | undefined>();
    for (const lib of LIBRARIES) before.set(lib, await lib.delivered(sink));
    const results = new Map<Library, RoundResult[]>(LIBRARIES.map((l) => [l, []]));
    for (let r = 0; r < CFG.rounds; r++) {
      // Rotate the order every round so no library always runs right after another's flush.
      const order = LIBRARIES.map((_, i) => LIBRARIES[(i + r) % LIBRARIES.length]);
      for (const lib of order) results.get(lib)!.push(await round(lib, CFG.runs));
      log(`round ${r + 1}/${CFG.rounds} done`);
    }
    const base = results.get(untraced)!;
    const added = (lib: Library, key: keyof RoundResult) =>
      median(results.get(lib)!.map((x, i) => x[key] - base[i][key]));
    const autologHot = added(autolog, 'hotUs');
    const autologCpu = added(autolog, 'allInUs');
    const rows: string[][] = [];
    for (const lib of LIBRARIES) {
      const rs = results.get(lib)!;
      const hot = median(rs.map((x) => x.hotUs));
      const allIn = median(rs.map((x) => x.allInUs));
      const delivered = await lib.delivered(sink);
      const expected = CFG.rounds * CFG.runs * RUNS_PER_CALL;
      const got =
        delivered === undefined
          ? '—'
          : `${(delivered - (before.get(lib) ?? 0)).toLocaleString('en-US')} / ${expected.toLocaleString('en-US')}`;
      const isBase = lib === untraced;
      const isFloor = lib === noop;
      rows.push([
        lib.name,
        fmtUs(hot),
        isBase ? '—' : `+${fmtUs(added(lib, 'hotUs'))}`,
        isBase || isFloor ? '—' : fmtRatio(added(lib, 'hotUs') / autologHot),
        fmtUs(allIn),
        isBase ? '—' : `+${fmtUs(added(lib, 'allInUs'))}`,
        isBase || isFloor ? '—' : fmtRatio(added(lib, 'allInUs') / autologCpu),
        `${(relMad(rs.map((x) => x.hotUs)) * 100).toFixed(1)} %`,
        got,
      ]);
    }
    console.log(
      `\nLangChain chain run (RunnableSequence: 3 lambdas + fake chat model = ${RUNS_PER_CALL} runs per call), ${CFG.rounds} interleaved rounds × ${CFG.runs} calls, medians over rounds`,
    );
    console.log(
      renderTable(
        [
          'library',
          'hot path / call',
          'added',
          'ratio vs Autolog',
          'all-in CPU / call',
          'added CPU',
          'ratio vs Autolog',
          'spread (MAD)',
          'spans delivered',
        ],
        rows,
      ),
    );
    console.log(
      '\nadded = median over rounds of (library − untraced in the same round); all-in CPU includes the flush of each round.\n' +
        "no-op handler = LangChain's own cost of dispatching callbacks to a handler that does nothing, the floor of any callback-based tracer.",
    );
  } finally {
    for (const lib of LIBRARIES)
      await lib.teardown().catch((err) => log(`teardown of ${lib.name} failed: ${String(err)}`));
    await sink.stop();
    if (blackhole === 0.5) console.log(blackhole);
  }
}

await main();
