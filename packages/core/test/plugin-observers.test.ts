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
