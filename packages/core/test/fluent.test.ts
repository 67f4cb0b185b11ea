import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  getCurrentActiveSpan,
  getLastActiveTraceId,
  SpanType,
  startSpan,
  trace,
  tracingContext,
  updateCurrentTrace,
  withSpan,
} from '../src/index.js';
import { compileWithDecorators, memoryTracing, spanNamed, tick, tree } from './helpers.js';

describe('trace()', () => {
  it('records arguments named by parameter and the return value', async () => {
    const t = memoryTracing();
    const add = trace(function add(a: number, b = 2, ...rest: number[]) {
      return a + b + rest.length;
    });
    expect(add(1, 5, 9, 9)).toBe(8);
    const [record] = await t.traces();
    const span = spanNamed(record, 'add');
    expect(span.inputs).toEqual({ a: 1, b: 5, rest: [9, 9] });
    expect(span.outputs).toBe(8);
    expect(span.status.code).toBe('OK');
    expect(record.info.traceId).toMatch(/^tr-[0-9a-f]{32}$/);
    expect(record.info.tags['mlflow.traceName']).toBe('add');
    expect(record.info.requestPreview).toBe('{"a":1,"b":5,"rest":[9,9]}');
  });

  it('records plain arguments as given, and caps or copies the others as any value', async () => {
    const t = memoryTracing({ serialize: { maxStringLength: 10 } });
    const f = trace(function f(a: unknown, b: unknown, c: unknown) {
      return [a, b, c].length;
    });
    f(1, 'short', null);
    f(Number.NaN, 'x'.repeat(20), true);
    const obj = { v: 1 };
    f(obj, -0, undefined);
    obj.v = 2;
    const [plain, capped, copied] = (await t.traces()).map((r) => r.data.spans[0].inputs);
    expect(plain).toEqual({ a: 1, b: 'short', c: null });
    expect(capped).toEqual({ a: 'NaN', b: 'xxxxxxxxxx…[truncated 10 chars]', c: true });
    expect(copied).toEqual({ a: { v: 1 }, b: 0 });
    expect(Object.is((copied as { b: number }).b, -0)).toBe(false);
  });

  it('shows the named arguments on the live span during the call, and lets the call replace them', async () => {
    const t = memoryTracing();
    const seen: unknown[] = [];
    const ask = trace(function ask(question: string, k: number, verbose: boolean) {
      seen.push(getCurrentActiveSpan()?.inputs);
      if (verbose) getCurrentActiveSpan()?.setInputs({ question: question.toUpperCase() });
      return k;
    });
    ask('what is x', 3, false);
    ask('and y', 1, true);
    expect(seen).toEqual([
      { question: 'what is x', k: 3, verbose: false },
      { question: 'and y', k: 1, verbose: true },
    ]);
    const [first, second] = (await t.traces()).map((r) => r.data.spans[0].inputs);
    expect(first).toEqual({ question: 'what is x', k: 3, verbose: false });
    expect(second).toEqual({ question: 'AND Y' });
  });

  it('nests spans across await, Promise.all and timers', async () => {
    const t = memoryTracing();
    const leaf = trace(
      async (n: number) => {
        await new Promise((r) => setTimeout(r, 2 + n));
        return n;
      },
      { name: 'leaf' },
    );
    const mid = trace(async () => (await Promise.all([leaf(1), leaf(2)])).length, { name: 'mid' });
    const root = trace(
      async () => {
        await tick();
        await mid();
        await new Promise<void>((resolve) =>
          setTimeout(() => void withSpan(() => resolve(), { name: 'in-timer' }), 1),
        );
        return 'done';
      },
      { name: 'root' },
    );
    await root();
    const [record] = await t.traces();
    expect(record.data.spans).toHaveLength(5);
    expect(
      record.data.spans
        .filter((s) => s.name === 'leaf')
        .every((s) => s.parentId === spanNamed(record, 'mid').spanId),
    ).toBe(true);
    expect(tree(record)).toMatchObject({ root: null, mid: 'root', 'in-timer': 'root' });
  });

  it('keeps the current span in event emitter listeners registered inside it', async () => {
    const t = memoryTracing();
    const emitter = new EventEmitter();
    const done = new Promise<void>((resolve) => {
      void withSpan(
        () => {
          emitter.on('data', () => withSpan(() => resolve(), { name: 'on-data' }));
          setTimeout(() => emitter.emit('data'), 1);
          return new Promise((r) => setTimeout(r, 5));
        },
        { name: 'listener-root' },
      );
    });
    await done;
    await new Promise((r) => setTimeout(r, 10));
    const [record] = await t.traces();
    expect(tree(record)).toEqual({ 'listener-root': null, 'on-data': 'listener-root' });
  });

  it('puts each of 1,000 concurrent requests in its own trace', async () => {
    const t = memoryTracing();
    const step = trace(
      async (id: number, part: string) => {
        await new Promise((r) => setTimeout(r, Math.random() * 3));
        return `${id}-${part}`;
      },
      { name: 'step' },
    );
    const handle = trace(
      async (id: number) => {
        await step(id, 'a');
        await Promise.all([step(id, 'b'), step(id, 'c')]);
        return id;
      },
      { name: 'request' },
    );
    await Promise.all(Array.from({ length: 1000 }, (_, i) => handle(i)));
    const traces = await t.traces();
    expect(traces).toHaveLength(1000);
    for (const record of traces) {
      const root = spanNamed(record, 'request');
      const id = (root.inputs as { id: number }).id;
      const steps = record.data.spans.filter((s) => s.name === 'step');
      expect(steps).toHaveLength(3);
      for (const s of steps) {
        expect((s.inputs as { id: number }).id).toBe(id);
        expect(s.parentId).toBe(root.spanId);
        expect(s.traceId).toBe(record.info.traceId);
      }
    }
  });

  it('rethrows the very same error object and records it as an exception event with ERROR status', async () => {
    const t = memoryTracing();
    class RateLimited extends Error {
      name = 'RateLimited';
    }
    const original = new RateLimited('slow down');
    const failing = trace(
      async () => {
        throw original;
      },
      { name: 'failing' },
    );
    const syncFailing = trace(
      () => {
        throw original;
      },
      { name: 'sync-failing' },
    );
    await expect(failing()).rejects.toBe(original);
    expect(() => syncFailing()).toThrow(original);
    const traces = await t.traces();
    expect(traces).toHaveLength(2);
    for (const record of traces) {
      const span = record.data.spans[0];
      expect(record.info.state).toBe('ERROR');
      expect(span.status).toEqual({ code: 'ERROR', message: 'RateLimited: slow down' });
      expect(span.events[0].name).toBe('exception');
      expect(span.events[0].attributes['exception.type']).toBe('RateLimited');
      expect(span.events[0].attributes['exception.message']).toBe('slow down');
      expect(String(span.events[0].attributes['exception.stacktrace'])).toContain('slow down');
    }
  });

  it('returns the very same promise object, so subclasses such as APIPromise survive', async () => {
    memoryTracing();
    class APIPromise<T> extends Promise<T> {
      withResponse() {
        return 'with-response';
      }
    }
    const made = APIPromise.resolve(3) as APIPromise<number>;
    const call = trace(() => made, { name: 'api' });
    const result = call();
    expect(result).toBe(made);
    expect(result.withResponse()).toBe('with-response');
    expect(await result).toBe(3);
  });

  it('does not call then() on non-promise thenables (lazy query builders run once)', async () => {
    const t = memoryTracing();
    let runs = 0;
    const lazy = { then: (resolve: (v: number) => void) => resolve(++runs) };
    const call = trace(() => lazy, { name: 'lazy' });
    expect(await call()).toBe(1);
    expect(runs).toBe(1);
    expect(await t.traces()).toHaveLength(1);
  });

  it('covers the whole iteration of a generator and records the yielded values', async () => {
    const t = memoryTracing();
    const numbers = trace(function* numbers(n: number) {
      for (let i = 0; i < n; i++) yield withSpan(() => i * 10, { name: 'produce' });
    });
    expect([...numbers(3)]).toEqual([0, 10, 20]);
    const [record] = await t.traces();
    const span = spanNamed(record, 'numbers');
    expect(span.outputs).toEqual([0, 10, 20]);
    expect(
      record.data.spans.filter((s) => s.name === 'produce').every((s) => s.parentId === span.spanId),
    ).toBe(true);
    expect(span.endTimeNs).toBeGreaterThanOrEqual(
      Math.max(...record.data.spans.map((s) => s.endTimeNs ?? 0)),
    );
  });

  it('ends an async generator span once on early break and records what was yielded', async () => {
    const t = memoryTracing();
    const stream = trace(
      async function* tokens() {
        yield 'a';
        await tick();
        yield 'b';
        yield 'c';
      },
      { spanType: SpanType.LLM },
    );
    const seen: string[] = [];
    for await (const token of stream()) {
      seen.push(token);
      if (token === 'b') break;
    }
    expect(seen).toEqual(['a', 'b']);
    const traces = await t.traces();
    expect(traces).toHaveLength(1);
    expect(traces[0].data.spans).toHaveLength(1);
    expect(traces[0].data.spans[0].outputs).toEqual(['a', 'b']);
    expect(traces[0].data.spans[0].spanType).toBe('LLM');
  });

  it('records an error thrown inside a generator and rethrows it', async () => {
    const t = memoryTracing();
    const boom = new Error('bad item');
    const gen = trace(function* items() {
      yield 1;
      throw boom;
    });
    const it = gen();
    expect(it.next().value).toBe(1);
    expect(() => it.next()).toThrow(boom);
    const [record] = await t.traces();
    expect(record.data.spans[0].status.code).toBe('ERROR');
  });

  it('works as a TC39 method decorator, with this bound and the method name as span name', async () => {
    const t = memoryTracing();
    // Node 20 has no decorator syntax: compile the class with TypeScript's standard (TC39) decorators.
    const Agent = await compileWithDecorators(`
      export default (trace) => class Agent {
        prefix = 'answer:';
        @trace({ spanType: 'AGENT' })
        async run(task) { return this.prefix + task; }
      };`);
    expect(await new (Agent(trace))().run('x')).toBe('answer:x');
    const [record] = await t.traces();
    expect(record.data.spans[0]).toMatchObject({
      name: 'run',
      spanType: 'AGENT',
      inputs: { task: 'x' },
      outputs: 'answer:x',
    });
  });

  it('works as a legacy (experimentalDecorators) method decorator', async () => {
    const t = memoryTracing();
    class Tool {
      double(n: number) {
        return n * 2;
      }
    }
    const descriptor = Object.getOwnPropertyDescriptor(Tool.prototype, 'double')!;
    Object.defineProperty(
      Tool.prototype,
      'double',
      trace({ spanType: SpanType.TOOL })(descriptor.value, 'double', descriptor),
    );
    expect(new Tool().double(4)).toBe(8);
    const [record] = await t.traces();
    expect(record.data.spans[0]).toMatchObject({
      name: 'double',
      spanType: 'TOOL',
      inputs: { n: 4 },
      outputs: 8,
    });
  });

  it('allows free-form span types such as CLASSIFIER and MEMORY', async () => {
    const t = memoryTracing();
    trace(() => 'billing', { name: 'classify', spanType: 'CLASSIFIER' })();
    const [record] = await t.traces();
    expect(record.data.spans[0].spanType).toBe('CLASSIFIER');
    expect(record.data.spans[0].attributes['mlflow.spanType']).toBe('CLASSIFIER');
  });

  it('snapshots inputs, so later mutation by the app does not change the recorded value', async () => {
    const t = memoryTracing();
    const messages = [{ role: 'user', content: 'hi' }];
    const chat = trace((msgs: typeof messages) => msgs.length, { name: 'chat' });
    chat(messages);
    messages.push({ role: 'assistant', content: 'later' });
    const [record] = await t.traces();
    expect(record.data.spans[0].inputs).toEqual({ msgs: [{ role: 'user', content: 'hi' }] });
  });
});

describe('withSpan() and startSpan()', () => {
  it('records the block result as outputs unless set explicitly', async () => {
    const t = memoryTracing();
    await withSpan(
      async (span) => {
        span.setInputs({ q: 1 });
        withSpan(() => 42, { name: 'implicit' });
        withSpan(
          (s) => {
            s.setOutputs('explicit');
            return 'ignored';
          },
          { name: 'explicit' },
        );
      },
      { name: 'outer', spanType: SpanType.CHAIN },
    );
    const [record] = await t.traces();
    expect(spanNamed(record, 'implicit').outputs).toBe(42);
    expect(spanNamed(record, 'explicit').outputs).toBe('explicit');
    expect(spanNamed(record, 'outer').inputs).toEqual({ q: 1 });
  });

  it('starts manual spans under the current span, under an explicit parent, or as a new trace', async () => {
    const t = memoryTracing();
    await withSpan(
      async () => {
        const manual = startSpan({ name: 'manual', inputs: { a: 1 } });
        expect(getCurrentActiveSpan()?.name).toBe('outer');
        const child = startSpan({ name: 'manual-child', parent: manual });
        child.end({ outputs: 'c' });
        manual.end({ outputs: 'm', attributes: { k: 'v' } });
        startSpan({ name: 'detached', parent: null }).end();
      },
      { name: 'outer' },
    );
    const traces = await t.traces();
    expect(traces).toHaveLength(2);
    const outer = traces.find((r) => r.data.spans.some((s) => s.name === 'outer'))!;
    expect(tree(outer)).toEqual({ outer: null, manual: 'outer', 'manual-child': 'manual' });
    expect(spanNamed(outer, 'manual').attributes.k).toBe('v');
    expect(traces.find((r) => r.data.spans[0].name === 'detached')).toBeDefined();
  });

  it('ends a span exactly once; later end() calls and edits are ignored', async () => {
    const t = memoryTracing();
    const span = startSpan({ name: 'once', parent: null });
    span.end({ outputs: 1 });
    span.end({ outputs: 2 });
    span.setOutputs(3);
    const [record] = await t.traces();
    expect(record.data.spans).toHaveLength(1);
    expect(record.data.spans[0].outputs).toBe(1);
  });
});

describe('trace metadata', () => {
  it('updateCurrentTrace sets tags, metadata, client request id, previews and state', async () => {
    const t = memoryTracing();
    await withSpan(
      async () => {
        updateCurrentTrace({
          tags: { app_version: '2.1', priority: 3 },
          metadata: { 'mlflow.trace.user': 'u-1', 'mlflow.trace.session': 's-1' },
          clientRequestId: 'req-7',
          requestPreview: 'custom request',
          responsePreview: 'custom response',
        });
      },
      { name: 'turn' },
    );
    const [record] = await t.traces();
    expect(record.info.tags).toMatchObject({ app_version: '2.1', priority: '3', 'mlflow.traceName': 'turn' });
    expect(record.info.traceMetadata).toMatchObject({
      'mlflow.trace.user': 'u-1',
      'mlflow.trace.session': 's-1',
      'mlflow.trace_schema.version': '3',
    });
    expect(record.info.clientRequestId).toBe('req-7');
    expect(record.info.requestPreview).toBe('custom request');
    expect(record.info.responsePreview).toBe('custom response');
    expect(getLastActiveTraceId()).toBe(record.info.traceId);
  });

  it('tracingContext attaches metadata and tags to everything traced inside, across await', async () => {
    const t = memoryTracing();
    const work = trace(async () => tick(), { name: 'work' });
    await tracingContext({ metadata: { 'mlflow.trace.user': 'alice' }, tags: { env: 'prod' } }, async () => {
      await tick();
      await work();
      await tracingContext({ metadata: { 'mlflow.trace.session': 'sess-9' } }, () => work());
    });
    await work();
    const traces = await t.traces();
    expect(
      traces.map((r) => [
        r.info.traceMetadata['mlflow.trace.user'],
        r.info.traceMetadata['mlflow.trace.session'],
        r.info.tags.env,
      ]),
    ).toEqual([
      ['alice', undefined, 'prod'],
      ['alice', 'sess-9', 'prod'],
      [undefined, undefined, undefined],
    ]);
  });

  it('tracingContext({ enabled: false }) records nothing inside but still runs the code', async () => {
    const t = memoryTracing();
    const work = trace(() => 'ran', { name: 'work' });
    expect(tracingContext({ enabled: false }, () => work())).toBe('ran');
    work();
    expect(await t.traces()).toHaveLength(1);
  });

  it('records source metadata of the process once per trace', async () => {
    const t = memoryTracing();
    trace(() => 1, { name: 'x' })();
    const [record] = await t.traces();
    expect(record.info.traceMetadata['mlflow.source.type']).toBe('LOCAL');
    expect(record.info.traceMetadata['mlflow.source.name']).toBeTruthy();
  });
});

describe('sampling', () => {
  it('sampleRate 0 records no trace and the traced code still runs', async () => {
    const t = memoryTracing({ sampleRate: 0 });
    const inner = trace(() => 'in', { name: 'inner' });
    const outer = trace(() => inner(), { name: 'outer' });
    expect(outer()).toBe('in');
    expect(await t.traces()).toHaveLength(0);
  });

  it('decides per trace at the root: a sampled trace keeps all its spans', async () => {
    const t = memoryTracing({ sampleRate: 0.5 });
    const inner = trace(() => 1, { name: 'inner' });
    const outer = trace(() => inner() + inner(), { name: 'outer' });
    for (let i = 0; i < 400; i++) outer();
    const traces = await t.traces();
    expect(traces.length).toBeGreaterThan(120);
    expect(traces.length).toBeLessThan(280);
    expect(traces.every((r) => r.data.spans.length === 3)).toBe(true);
  });
});
