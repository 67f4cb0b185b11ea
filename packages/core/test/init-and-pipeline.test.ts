import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AutologError,
  type Destination,
  flushTraces,
  getExportStats,
  getTrace,
  init,
  LocalStore,
  MemoryDestination,
  type TraceRecord,
  trace,
  withSpan,
} from '../src/index.js';
import { DEFAULT_PIPELINE_OPTIONS } from '../src/pipeline.js';
import { memoryTracing, spanNamed } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'autolog-init-'));

function initError(options: Parameters<typeof init>[0]): AutologError {
  try {
    init({ silent: true, ...options });
  } catch (err) {
    expect(err).toBeInstanceOf(AutologError);
    return err as AutologError;
  }
  throw new Error('init did not throw');
}

afterEach(() => {
  delete process.env.AUTOLOG_DESTINATION;
  delete process.env.AUTOLOG_STORE;
  delete process.env.AUTOLOG_SAMPLE_RATE;
  delete process.env.AUTOLOG_WRITER_NICE;
});

describe('init() configuration errors', () => {
  it('rejects an unknown destination scheme, listing the accepted forms', () => {
    const err = initError({ destination: 'kafka://broker:9092' });
    expect(err.code).toBe('UNKNOWN_DESTINATION');
    expect(err.message).toContain('kafka://broker:9092');
    expect(err.message).toMatch(/sqlite:\/\/\/path.*memory.*console/);
  });

  it('rejects a destination object without export()', () => {
    const err = initError({ destination: { name: 'x' } as unknown as Destination });
    expect(err.code).toBe('INVALID_DESTINATION');
    expect(err.message).toContain('export(traces)');
  });

  it('rejects bad option types with the option name and what it must be', () => {
    expect(initError({ sampleRate: 2 })).toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('"sampleRate" must be a number from 0 to 1'),
    });
    expect(initError({ captureContent: 'yes' as unknown as boolean })).toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('captureContent'),
    });
    expect(initError({ maxQueueTraces: -1 })).toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('positive integer'),
    });
    process.env.AUTOLOG_SAMPLE_RATE = 'lots';
    expect(initError({ destination: 'memory' })).toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('AUTOLOG_SAMPLE_RATE'),
    });
  });

  it('rejects a writer thread priority outside 0-19, saying what it is for', () => {
    for (const bad of ['-5', '20', 'low', '7.5']) {
      process.env.AUTOLOG_WRITER_NICE = bad;
      expect(initError({ destination: 'memory' })).toMatchObject({
        code: 'INVALID_OPTION',
        message: expect.stringMatching(
          new RegExp(`AUTOLOG_WRITER_NICE must be an integer from 0 to 19 .*writer thread.*got "${bad}"`),
        ),
      });
    }
    for (const good of ['0', '19', ' ']) {
      process.env.AUTOLOG_WRITER_NICE = good;
      expect(() => init({ silent: true, destination: 'memory' })).not.toThrow();
    }
  });

  it('names the store path when it is not writable', () => {
    const dir = tmp();
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'not a directory');
    const path = join(blocker, 'traces.db');
    const err = initError({ destination: path });
    expect(err.code).toBe('STORE_NOT_WRITABLE');
    expect(err.message).toContain(path);
    expect(err.message).toContain('AUTOLOG_STORE');
  });

  it('refuses an experiment id that does not exist in the store', () => {
    const err = initError({ destination: join(tmp(), 't.db'), experimentId: '12345' });
    expect(err.code).toBe('EXPERIMENT_NOT_FOUND');
    expect(err.message).toContain('12345');
  });
});

describe('the local store as destination', () => {
  it('writes traces to a SQLite file and reads them back whole with getTrace', async () => {
    const path = join(tmp(), 'store', 'traces.db');
    const mem = new MemoryDestination();
    init({ silent: true, destination: [path, mem], experimentName: 'my-app' });
    const llm = trace(
      async (prompt: string) => {
        await withSpan(
          (s) =>
            s.setAttribute('mlflow.chat.tokenUsage', { input_tokens: 7, output_tokens: 3, total_tokens: 10 }),
          { name: 'usage' },
        );
        return `echo ${prompt}`;
      },
      { name: 'llm', spanType: 'CHAT_MODEL' },
    );
    await llm('hello');
    await flushTraces();
    const id = mem.traces[0].info.traceId;
    const fromStore = await getTrace(id);
    expect(fromStore).not.toBeNull();
    expect(JSON.parse(JSON.stringify({ info: fromStore!.info, data: fromStore!.data }))).toEqual(
      JSON.parse(JSON.stringify(mem.traces[0])),
    );
    expect(fromStore!.info.tokenUsage).toEqual({ input_tokens: 7, output_tokens: 3, total_tokens: 10 });
    const store = new LocalStore({ path });
    expect(store.getExperiment('my-app')?.experimentId).toBe(fromStore!.info.experimentId);
    store.close();
  });

  it('uses AUTOLOG_STORE when no destination is given', async () => {
    const path = join(tmp(), 'env.db');
    process.env.AUTOLOG_STORE = path;
    const { destinations } = init({ silent: true });
    expect((destinations[0] as LocalStore).path).toBe(path);
    trace(() => 1, { name: 'env-trace' })();
    await flushTraces();
    const store = new LocalStore({ path });
    expect(store.listTraces().map((t) => t.tags['mlflow.traceName'])).toEqual(['env-trace']);
    store.close();
  });

  it('returns getTrace in MLflow JSON form via toJSON()', async () => {
    const path = join(tmp(), 'json.db');
    init({ silent: true, destination: path });
    trace((q: string) => `a:${q}`, { name: 'root', spanType: 'CHAIN' })('q');
    await flushTraces();
    const { getLastActiveTraceId } = await import('../src/index.js');
    const json = (await getTrace(getLastActiveTraceId()!))!.toJSON() as any;
    expect(json.info.trace_id).toMatch(/^tr-/);
    expect(json.info.request_time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(json.info.execution_duration).toMatch(/s$/);
    const span = json.data.spans[0];
    expect(span.attributes['mlflow.spanType']).toBe('"CHAIN"');
    expect(span.attributes['mlflow.spanInputs']).toBe('{"q":"q"}');
    expect(span.attributes['mlflow.spanOutputs']).toBe('"a:q"');
    expect(span.status.code).toBe('STATUS_CODE_OK');
  });
});

describe('export pipeline', () => {
  it('a destination that fails costs the app nothing; the batch is retried and then delivered', async () => {
    let calls = 0;
    const received: TraceRecord[] = [];
    const flaky: Destination = {
      name: 'flaky',
      export(traces) {
        calls++;
        if (calls <= 2) throw new Error('connection refused');
        received.push(...traces);
      },
    };
    init({ silent: true, destination: flaky });
    const work = trace((n: number) => n * 2, { name: 'work' });
    for (let i = 0; i < 5; i++) expect(work(i)).toBe(i * 2);
    expect(await flushTraces(5_000)).toBe(true);
    await flushTraces(5_000);
    expect(received).toHaveLength(5);
    const [stats] = getExportStats();
    expect(stats).toMatchObject({ destination: 'flaky', exported: 5, dropped: 0, pending: 0 });
    expect(stats.retried).toBeGreaterThanOrEqual(1);
  });

  it('drops a batch after the last attempt and counts it', async () => {
    const broken: Destination = {
      name: 'broken',
      export: async () => {
        throw Object.assign(new Error('401 unauthorized'), { retryable: false });
      },
    };
    init({ silent: true, destination: broken });
    trace(() => 1, { name: 'lost' })();
    await flushTraces(5_000);
    expect(getExportStats()[0]).toMatchObject({
      destination: 'broken',
      exported: 0,
      dropped: 1,
      lastError: 'Error: 401 unauthorized',
    });
  });

  it('keeps up with a fast synchronous destination when the app yields only now and then', async () => {
    let received = 0;
    init({
      silent: true,
      destination: { name: 'fast', export: (t) => void (received += t.length) },
      maxQueueTraces: 1_000,
    });
    const work = trace(async (x: number) => x + 1, { name: 'w' });
    // 20,000 traces, one event-loop turn per 250: far more than one batch arrives per turn.
    for (let i = 0; i < 20_000; i += 250) {
      for (let j = 0; j < 250; j++) await work(j);
      await new Promise((r) => setImmediate(r));
    }
    await flushTraces(10_000);
    expect(getExportStats()[0]).toMatchObject({ exported: 20_000, dropped: 0 });
    expect(received).toBe(20_000);
  });

  it('exports a trace that finishes alone within the export delay, after each quiet spell and after a batch', async () => {
    const delay = DEFAULT_PIPELINE_OPTIONS.exportDelayMs;
    // Within the delay, with room for a busy machine; a trace the timer misses waits for the next flush.
    const slack = 4 * delay;
    const arrived: { name: string; at: number }[] = [];
    const timed: Destination = {
      name: 'timed',
      export: (traces) => {
        for (const t of traces) arrived.push({ name: t.data.spans[0].name, at: Date.now() });
      },
    };
    init({ silent: true, destination: timed });
    const lone = trace(() => 1, { name: 'lone' });
    const many = trace(() => 1, { name: 'many' });
    const arrivalOf = async (count: number) => {
      const deadline = Date.now() + 10 * delay;
      while (arrived.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(arrived).toHaveLength(count);
      return arrived[count - 1];
    };
    // Three lone traces, each after a quiet spell longer than the delay.
    for (let i = 1; i <= 3; i++) {
      const finished = Date.now();
      lone();
      expect((await arrivalOf(i)).at - finished).toBeLessThanOrEqual(slack);
      await new Promise((r) => setTimeout(r, delay + 50));
    }
    // A full batch goes out at the next turn; a lone trace right after it still goes within the delay.
    for (let i = 0; i < DEFAULT_PIPELINE_OPTIONS.batchSize; i++) many();
    const batchFinished = Date.now();
    expect((await arrivalOf(3 + DEFAULT_PIPELINE_OPTIONS.batchSize)).at - batchFinished).toBeLessThan(slack);
    const finished = Date.now();
    lone();
    const last = await arrivalOf(4 + DEFAULT_PIPELINE_OPTIONS.batchSize);
    expect(last.name).toBe('lone');
    expect(last.at - finished).toBeLessThanOrEqual(slack);
  });

  it('bounds the queue of a stalled destination and counts what it drops', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: Destination = { name: 'slow', export: () => gate };
    init({ silent: true, destination: slow, maxQueueTraces: 50 });
    const work = trace(() => 1, { name: 'w' });
    for (let i = 0; i < 300; i++) work();
    // Finished traces wait up to the export delay, so that close ones go out as one batch.
    await new Promise((r) => setTimeout(r, DEFAULT_PIPELINE_OPTIONS.exportDelayMs + 20));
    const stats = getExportStats()[0];
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats.pending).toBeLessThanOrEqual(50 + 256);
    release();
    await flushTraces(5_000);
    const after = getExportStats()[0];
    expect(after.exported + after.dropped).toBe(300);
  });

  it('sends every trace to each of several destinations', async () => {
    const a = new MemoryDestination();
    const b = new MemoryDestination();
    init({ silent: true, destination: [a, b] });
    trace(() => 1, { name: 'both' })();
    await flushTraces();
    expect(a.traces).toHaveLength(1);
    expect(b.traces[0].info.traceId).toBe(a.traces[0].info.traceId);
  });

  it('keeps memory bounded and loses nothing when 20,000 traces finish without yielding', {
    timeout: 120_000,
  }, async () => {
    const path = join(tmp(), 'burst.db');
    init({ silent: true, destination: path });
    const work = trace((i: number) => i, { name: 'burst' });
    for (let i = 0; i < 20_000; i++) work(i);
    await flushTraces();
    expect(getExportStats()[0]).toMatchObject({ exported: 20_000, dropped: 0 });
    const store = new LocalStore({ path });
    expect(store.listTraces({ limit: 30_000 })).toHaveLength(20_000);
    store.close();
  });

  it('reconfigures cleanly when init is called again', async () => {
    const first = new MemoryDestination();
    const second = new MemoryDestination();
    init({ silent: true, destination: first });
    trace(() => 1, { name: 'one' })();
    await flushTraces();
    init({ silent: true, destination: second });
    trace(() => 2, { name: 'two' })();
    await flushTraces();
    expect(first.traces.map((t) => t.data.spans[0].name)).toEqual(['one']);
    expect(second.traces.map((t) => t.data.spans[0].name)).toEqual(['two']);
  });
});

describe('token usage and redaction', () => {
  it('sums token usage over the trace without counting nested usage twice', async () => {
    const t = memoryTracing();
    const usage = (i: number, o: number) => ({ input_tokens: i, output_tokens: o, total_tokens: i + o });
    await withSpan(
      async () => {
        await withSpan(
          async (langchainModel) => {
            langchainModel.setAttribute('mlflow.chat.tokenUsage', usage(10, 5));
            // The provider call underneath reports the same usage: it must not be counted again.
            withSpan((provider) => provider.setAttribute('mlflow.chat.tokenUsage', usage(10, 5)), {
              name: 'openai',
            });
          },
          { name: 'ChatOpenAI' },
        );
        withSpan(
          (other) =>
            other.setAttribute('mlflow.chat.tokenUsage', { ...usage(1, 1), cache_read_input_tokens: 1 }),
          { name: 'second-call' },
        );
      },
      { name: 'agent' },
    );
    const [record] = await t.traces();
    expect(record.info.tokenUsage).toEqual({
      input_tokens: 11,
      output_tokens: 6,
      total_tokens: 17,
      cache_read_input_tokens: 1,
    });
    expect(JSON.parse(record.info.traceMetadata['mlflow.trace.tokenUsage'])).toEqual(record.info.tokenUsage);
  });

  it('scrubs API keys and authorization headers before anything leaves the process', async () => {
    const t = memoryTracing();
    const key = ['sk', 'proj', 'abcdefghijklmnopqrstuvwx'].join('-');
    withSpan(
      (span) => {
        span.setInputs({
          headers: { Authorization: `Bearer ${'x'.repeat(24)}`, 'api-key': 'azure-key-value' },
          note: `my key is ${key}`,
        });
        span.setAttribute('config', { apiKey: 'k', model: 'gpt' });
      },
      { name: 'call' },
    );
    const [record] = await t.traces();
    const text = JSON.stringify(record);
    expect(text).not.toContain(key);
    expect(text).not.toContain('azure-key-value');
    expect(text).not.toContain('x'.repeat(24));
    const span = spanNamed(record, 'call');
    expect((span.attributes.config as { model: string }).model).toBe('gpt');
  });

  it('applies the redact hook and drops content when the hook throws (fails closed)', async () => {
    let calls = 0;
    const t = memoryTracing({
      redact: (span) => {
        calls++;
        if (span.name === 'explode') throw new Error('hook bug');
        return { ...span, inputs: { email: '<hidden>' } };
      },
    });
    withSpan((s) => s.setInputs({ email: 'a@b.c' }), { name: 'hidden' });
    withSpan((s) => s.setInputs({ email: 'a@b.c' }), { name: 'explode' });
    const traces = await t.traces();
    expect(calls).toBe(2);
    expect(spanNamed(traces[0], 'hidden').inputs).toEqual({ email: '<hidden>' });
    expect(JSON.stringify(traces[1])).not.toContain('a@b.c');
  });

  it('records no inputs or outputs with captureContent: false', async () => {
    const t = memoryTracing({ captureContent: false });
    trace((secret: string) => `echo ${secret}`, { name: 'private' })('pii');
    const [record] = await t.traces();
    expect(record.data.spans[0].inputs).toBeUndefined();
    expect(record.data.spans[0].outputs).toBeUndefined();
    expect(record.data.spans[0].status.code).toBe('OK');
  });
});
