/**
 * A span keeps no objects of its own for what most spans share (a status without a message,
 * no attributes), so a buffered trace holds less. What a user observes must not change: each
 * span's status and attributes are its own, in the live span and in the exported record.
 */
import { describe, expect, it } from 'vitest';
import { startSpan, trace, withSpan } from '../src/index.js';
import { finishOpenTraces, openTraces } from '../src/trace-buffer.js';
import { memoryTracing } from './helpers.js';

describe('shared defaults of a span', () => {
  it('keeps each span status its own', async () => {
    const t = memoryTracing();
    await withSpan(
      async () => {
        const ok = startSpan({ name: 'ok' });
        const failed = startSpan({ name: 'failed' });
        const named = startSpan({ name: 'named' });
        failed.setStatus('ERROR', 'no route');
        named.setStatus('OK');
        ok.end();
        failed.end();
        named.end({ status: { code: 'ERROR', message: 'late' } });
        expect(ok.status).toEqual({ code: 'OK' });
        expect(failed.status).toEqual({ code: 'ERROR', message: 'no route' });
      },
      { name: 'root' },
    );
    const [record] = await t.traces();
    const byName = Object.fromEntries(record.data.spans.map((s) => [s.name, s]));
    expect(byName.root.status).toEqual({ code: 'OK' });
    expect(byName.ok.status).toEqual({ code: 'OK' });
    expect(byName.failed.status).toEqual({ code: 'ERROR', message: 'no route' });
    expect(byName.named.status).toEqual({ code: 'ERROR', message: 'late' });
  });

  it('hands records whose statuses a destination may change without touching other spans', async () => {
    const t = memoryTracing();
    const work = trace((n: number) => n + 1, { name: 'work' });
    work(1);
    work(2);
    const [first, second] = await t.traces();
    first.data.spans[0].status.code = 'ERROR';
    first.data.spans[0].status.message = 'changed by a destination';
    expect(second.data.spans[0].status).toEqual({ code: 'OK' });
    work(3);
    const third = (await t.traces()).at(-1);
    expect(third?.data.spans[0].status).toEqual({ code: 'OK' });
  });

  it('records attributes only on the spans they were set on', async () => {
    const t = memoryTracing();
    const child = trace((n: number) => n, { name: 'child', attributes: { model: 'm1' } });
    const parent = trace((n: number) => child(n) + child(n + 1), { name: 'parent' });
    parent(1);
    const [record] = await t.traces();
    const [root, a, b] = record.data.spans;
    expect(root.attributes).toEqual({ 'mlflow.spanType': 'UNKNOWN' });
    expect(a.attributes).toEqual({ model: 'm1', 'mlflow.spanType': 'UNKNOWN' });
    a.attributes.model = 'changed';
    expect(b.attributes.model).toBe('m1');
  });

  it('tracks open traces that end in any order, and finishes the ones still open', async () => {
    const t = memoryTracing();
    const before = openTraces().length;
    const roots = Array.from({ length: 9 }, (_, i) => startSpan({ name: `root-${i}`, parent: null }));
    expect(openTraces().length).toBe(before + 9);
    for (const i of [4, 0, 8, 2]) roots[i].end();
    const stillOpen = new Set(openTraces().map((b) => b.root?.name));
    expect(stillOpen).toEqual(new Set(['root-1', 'root-3', 'root-5', 'root-6', 'root-7']));
    finishOpenTraces();
    expect(openTraces().length).toBe(0);
    const records = await t.traces();
    expect(records.map((r) => r.data.spans[0].name).sort()).toEqual(roots.map((r) => r.name).sort());
    const unfinished = records.filter((r) => r.data.spans[0].attributes['autolog.unfinished'] === true);
    expect(unfinished.map((r) => r.data.spans[0].name).sort()).toEqual([...stillOpen].sort());
  });
});
