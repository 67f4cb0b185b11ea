import { describe, expect, it } from 'vitest';
import { startSpan, tracingContext } from '../src/index.js';
import { observeResult, observeStream, startChildSpan } from '../src/plugin/index.js';
import { memoryTracing } from './helpers.js';

describe('integration helpers of @autolog/core/plugin', () => {
  it('startChildSpan takes no metadata and no on/off switch from the context it is called in', async () => {
    const t = memoryTracing();
    const root = tracingContext({ metadata: { 'mlflow.trace.user': 'alice' } }, () =>
      startSpan({ name: 'run', parent: null }),
    );
    tracingContext({ metadata: { 'mlflow.trace.user': 'bob' }, enabled: false }, () =>
      startChildSpan(root, { name: 'step' }).end(),
    );
    root.end();
    const [trace] = await t.traces();
    expect(trace.info.traceMetadata['mlflow.trace.user']).toBe('alice');
    expect(trace.data.spans.map((s) => s.name).sort()).toEqual(['run', 'step']);
  });

  it('startChildSpan never starts a new trace under an exported parent', async () => {
    const t = memoryTracing();
    const root = startSpan({ name: 'done', parent: null });
    root.end();
    expect(startChildSpan(root, { name: 'late' }).isRecording).toBe(false);
    expect(await t.traces()).toHaveLength(1);
  });

  it('a span ended with endThenComplete keeps its end time and is filled in once, when exported', async () => {
    const t = memoryTracing();
    const span = startSpan({ name: 'call', parent: null });
    let completions = 0;
    span.endThenComplete((s) => {
      completions++;
      s.setOutputs({ text: 'hello' });
      s.setAttribute('answer.length', 5);
    });
    // Ended by now (within the clocks' resolution), well before the export 50 ms later.
    const endedBy = (Date.now() + 5) * 1e6;
    span.setAttribute('late', true);
    expect(span.ended).toBe(true);
    expect(completions).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [data] = await t.spans();
    await t.traces();
    expect(completions).toBe(1);
    expect(data.endTimeNs).toBeLessThanOrEqual(endedBy);
    expect(data.status.code).toBe('OK');
    expect(data.outputs).toEqual({ text: 'hello' });
    expect(data.attributes['answer.length']).toBe(5);
    expect(data.attributes.late).toBeUndefined();
  });

  it('a completion that throws leaves its span exported, without what it would have recorded', async () => {
    const t = memoryTracing();
    const span = startSpan({ name: 'call', parent: null });
    span.endThenComplete((s) => {
      s.setAttribute('partial', 1);
      throw new Error('completion failed');
    });
    const [data] = await t.spans();
    expect(data.name).toBe('call');
    expect(data.status.code).toBe('OK');
    expect(data.outputs).toBeUndefined();
  });

  it('observeStream keeps the stream whole when its observer throws', async () => {
    async function* items() {
      yield 1;
      yield 2;
      yield 3;
    }
    let finished = 0;
    const stream = observeStream(
      { [Symbol.asyncIterator]: items },
      {
        neverHolds: true,
        add: (item) => {
          if (item === 2) throw new Error('observer bug');
        },
        finish: () => {
          finished++;
          throw new Error('observer bug at the end');
        },
        fail: () => undefined,
      },
    );
    const read: number[] = [];
    for await (const item of stream as AsyncIterable<number>) read.push(item);
    expect(read).toEqual([1, 2, 3]);
    expect(finished).toBe(1);
  });

  it('observeStream holds an item back until the promise its observer returns settles', async () => {
    const order: string[] = [];
    async function* items() {
      yield 1;
      yield 2;
    }
    const stream = observeStream(
      { [Symbol.asyncIterator]: items },
      {
        add: (item) =>
          item === 2
            ? new Promise((resolve) => setTimeout(() => resolve(order.push('observed 2')), 5))
            : undefined,
        finish: () => order.push('finished'),
        fail: () => order.push('failed'),
      },
    );
    for await (const item of stream as AsyncIterable<number>) order.push(`read ${item}`);
    expect(order).toEqual(['read 1', 'observed 2', 'read 2', 'finished']);
  });

  it('observeStream with a never-holding observer hands the consumer the SDK promise, seen first', async () => {
    const order: string[] = [];
    const given: Promise<IteratorResult<number>>[] = [];
    let n = 0;
    const source = {
      iterator() {
        return {
          next() {
            const step = Promise.resolve(
              n < 2 ? { done: false, value: ++n } : { done: true, value: undefined },
            );
            given.push(step as Promise<IteratorResult<number>>);
            return step;
          },
        };
      },
    };
    const stream = observeStream(source, {
      neverHolds: true,
      add: (item) => order.push(`observed ${item}`),
      finish: (early) => order.push(`finished early=${early}`),
      fail: () => order.push('failed'),
    });
    const it = (stream as typeof source).iterator();
    const first = it.next();
    expect(first).toBe(given[0]);
    order.push(`read ${(await first).value}`);
    order.push(`read ${(await it.next()).value}`);
    expect((await it.next()).done).toBe(true);
    expect(order).toEqual(['observed 1', 'read 1', 'observed 2', 'read 2', 'finished early=false']);
  });

  it('observeStream with a never-holding observer reports a failed read once and leaves the rejection to the consumer', async () => {
    const failures: unknown[] = [];
    const boom = new Error('connection reset');
    const stream = observeStream(
      { iterator: () => ({ next: () => Promise.reject(boom) }) },
      {
        neverHolds: true,
        add: () => undefined,
        finish: () => failures.push('finish'),
        fail: (e) => failures.push(e),
      },
    );
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect((stream as any).iterator().next()).rejects.toBe(boom);
      await new Promise((r) => setTimeout(r, 5));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(failures).toEqual([boom]);
    expect(unhandled).toEqual([]);
  });

  it('observeResult passes a plain promise and its value through, and swallows observer failures', async () => {
    const promise = Promise.resolve({ id: 1 });
    const returned = observeResult(promise, {
      onData: () => {
        throw new Error('observer bug');
      },
      onError: () => undefined,
    });
    expect(returned).toBe(promise);
    expect(await returned).toEqual({ id: 1 });
  });
});
