import { parseFilter } from '@autolog/core';
import { describe, expect, it } from 'vitest';
import { andFilters, metadataEquals, quoteFilterValue } from '../src/filter-text.js';
import { fillBuckets, latencySeries, niceTicks, seriesOf, topGroups } from '../src/ui/chart-series.js';
import type { WireTraceStats } from '../src/wire-types.js';

const stat = (version: string | null, time: string, count: number, p50 = 100, p95 = 200): WireTraceStats => ({
  group: { 'metadata.app_version': version, time },
  count,
  users: 1,
  sessions: 1,
  errors: 0,
  errorRate: 0,
  latencyMs: { mean: p50, p50, p95, min: p50, max: p95 },
  tokens: { input: 1, output: 1, total: 2 },
  costUsd: 0.01,
  firstRequestTime: 0,
  lastRequestTime: 0,
});

describe('chart series', () => {
  it('fills the days between the first and last bucket so gaps in traffic show', () => {
    expect(fillBuckets(['2025-12-03', '2025-12-01'], 'day')).toEqual([
      '2025-12-01',
      '2025-12-02',
      '2025-12-03',
    ]);
    expect(fillBuckets(['2025-12-01T22:00Z', '2025-12-02T01:00Z'], 'hour')).toEqual([
      '2025-12-01T22:00Z',
      '2025-12-01T23:00Z',
      '2025-12-02T00:00Z',
      '2025-12-02T01:00Z',
    ]);
  });

  it('draws one line per group, zero where a count has no traces', () => {
    const stats = [stat('1.0', '2025-12-01', 3), stat('1.1', '2025-12-03', 5), stat(null, '2025-12-03', 1)];
    const groups = topGroups(
      [stat('1.1', '', 5), stat('1.0', '', 3), stat(null, '', 1)],
      'metadata.app_version',
      2,
    );
    expect(groups).toEqual(['1.1', '1.0']);
    const data = seriesOf(stats, 'metadata.app_version', groups, 'day', (s) => s.count, true);
    expect(data.buckets).toEqual(['2025-12-01', '2025-12-02', '2025-12-03']);
    expect(data.series.map((s) => [s.label, s.points])).toEqual([
      ['1.1', [0, 0, 5]],
      ['1.0', [3, 0, 0]],
    ]);
  });

  it('leaves gaps in latency where a group had no traces, p95 dashed', () => {
    const data = latencySeries(
      [stat('1.0', '2025-12-01', 1, 100, 300), stat('1.0', '2025-12-03', 1, 120, 150)],
      'metadata.app_version',
      ['1.0'],
      'day',
    );
    expect(data.series).toEqual([
      { label: '1.0 p50', color: 0, points: [100, null, 120] },
      { label: '1.0 p95', color: 0, dashed: true, points: [300, null, 150] },
    ]);
  });

  it('picks round axis ticks covering the maximum', () => {
    expect(niceTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(0.034)).toEqual([0, 0.01, 0.02, 0.03, 0.04]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });
});

describe('filter text', () => {
  it('quotes values so a quote in a user id cannot change the filter', () => {
    expect(quoteFilterValue("o'brien\\x")).toBe("'o\\'brien\\\\x'");
    expect(metadataEquals('mlflow.trace.user', 'u1')).toBe("metadata.`mlflow.trace.user` = 'u1'");
    expect(andFilters('a = 1', '', undefined, 'b = 2')).toBe('a = 1 AND b = 2');
  });

  it('builds filters the core parser reads back to the same value', () => {
    const [condition] = parseFilter(metadataEquals('mlflow.trace.user', "o'brien \\ co")).conditions;
    expect(condition).toMatchObject({
      field: { entity: 'metadata', key: 'mlflow.trace.user' },
      op: '=',
      value: "o'brien \\ co",
    });
  });
});
