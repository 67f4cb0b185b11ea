/**
 * Span times are epoch nanoseconds from a monotonic clock: close to the wall clock, never going
 * backwards, a child's times within its parent's, and a duration that matches the time spent.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { trace } from '../src/index.js';
import { memoryTracing } from './helpers.js';

describe('span times', () => {
  it('are epoch nanoseconds, nested, and as long as the call took', async () => {
    const t = memoryTracing();
    const child = trace(async () => sleep(30), { name: 'child' });
    const parent = trace(
      async () => {
        await sleep(5);
        await child();
      },
      { name: 'parent' },
    );
    const before = Date.now();
    await parent();
    const after = Date.now();
    const [record] = await t.traces();
    const [root, inner] = record.data.spans;
    expect(root.startTimeNs / 1e6).toBeGreaterThanOrEqual(before - 2);
    expect((root.endTimeNs as number) / 1e6).toBeLessThanOrEqual(after + 2);
    expect(inner.startTimeNs).toBeGreaterThanOrEqual(root.startTimeNs + 4e6);
    expect(inner.endTimeNs as number).toBeLessThanOrEqual(root.endTimeNs as number);
    const childMs = ((inner.endTimeNs as number) - inner.startTimeNs) / 1e6;
    expect(childMs).toBeGreaterThanOrEqual(29);
    expect(childMs).toBeLessThan(30 + (after - before));
    expect(Number.isInteger(root.startTimeNs)).toBe(true);
  });

  it('never go backwards from one span to the next', () => {
    const t = memoryTracing();
    const step = trace((i: number) => i, { name: 'step' });
    for (let i = 0; i < 2000; i++) step(i);
    return t.traces().then((records) => {
      const times = records.flatMap((r) =>
        r.data.spans.flatMap((s) => [s.startTimeNs, s.endTimeNs as number]),
      );
      expect(times).toHaveLength(4000);
      for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
    });
  });
});
