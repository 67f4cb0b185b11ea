/**
 * `traceCost` / `spanCost`: what a trace and each model call cost, read from a trace written to
 * a real local store and read back, as an app, the CLI and the viewer do.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  costTotal,
  flushTraces,
  getLastActiveTraceId,
  getTrace,
  init,
  spanCost,
  trace,
  traceCost,
  withSpan,
} from '../src/index.js';
import { COST_KEY } from '../src/plugin/index.js';

const priced = (total: number) => ({
  input_cost: total / 4,
  output_cost: (total * 3) / 4,
  total_cost: total,
});

describe('cost of a trace and of its spans', () => {
  it('sums the priced calls once each, read back from the store', async () => {
    init({ silent: true, destination: join(mkdtempSync(join(tmpdir(), 'autolog-cost-')), 'traces.db') });
    const call = trace(
      (total: number) => {
        // A provider's span records its price, as the integrations do.
        withSpan((span) => span.setAttribute(COST_KEY, priced(total)), {
          name: 'model',
          spanType: 'CHAT_MODEL',
        });
        return total;
      },
      { name: 'call' },
    );
    await withSpan(
      async () => {
        call(0.0012);
        call(0.0003);
        // A wrapper that carries the cost of the call beneath it (a LangChain model over the
        // provider's span) is one call, not two.
        withSpan(
          (span) => {
            call(0.002);
            span.setAttribute(COST_KEY, priced(0.002));
          },
          { name: 'wrapper' },
        );
      },
      { name: 'agent' },
    );
    const traceId = getLastActiveTraceId()!;
    expect(await flushTraces()).toBe(true);
    const record = await getTrace(traceId);
    expect(record).not.toBeNull();
    expect(traceCost(record!.info)).toBeCloseTo(0.0035, 12);
    const costs = record!.data.spans.map((s) => [s.name, spanCost(s)]);
    expect(costs).toEqual([
      ['agent', undefined],
      ['call', undefined],
      ['model', 0.0012],
      ['call', undefined],
      ['model', 0.0003],
      ['wrapper', 0.002],
      ['call', undefined],
      ['model', 0.002],
    ]);
  });

  it('is undefined for a trace with no priced call and for unreadable values', () => {
    expect(traceCost({ traceMetadata: {} })).toBeUndefined();
    expect(traceCost({ traceMetadata: { 'mlflow.trace.cost': '{not json' } })).toBeUndefined();
    expect(traceCost({ traceMetadata: { 'mlflow.trace.cost': '{"total_cost":"1"}' } })).toBeUndefined();
    expect(spanCost({ attributes: { 'mlflow.llm.cost': { total_cost: Number.NaN } } })).toBeUndefined();
    expect(costTotal('{"total_cost":0}')).toBe(0);
    expect(costTotal(null)).toBeUndefined();
  });
});
