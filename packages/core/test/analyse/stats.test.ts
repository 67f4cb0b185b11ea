import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  disableSqlPercentiles,
  percentile,
  type TraceStats,
  traceStatsIn,
  traceStatsInSql,
} from '../../src/analyse/stats.js';
import { MemoryDestination } from '../../src/destinations/memory.js';
import { LocalStore } from '../../src/store/index.js';
import type { TraceRecord } from '../../src/types.js';
import { BASE, corpus } from '../query/corpus.js';
import { type Seeded, seededStore } from '../query/helpers.js';
import { tempDir } from '../store/fixtures.js';

/** Numbers rounded so SQL and JavaScript floating-point sums compare equal. */
function rounded(stats: TraceStats[]): unknown {
  return JSON.parse(
    JSON.stringify(stats, (_k, v) => (typeof v === 'number' ? Math.round(v * 1e9) / 1e9 : v)),
  );
}

describe('getTraceStats', () => {
  let seeded: Seeded;
  let memory: MemoryDestination;
  beforeEach(() => {
    seeded = seededStore();
    memory = new MemoryDestination();
    memory.export(corpus());
  });
  afterEach(() => seeded.cleanup());

  /** The same call on the local store (column cache and SQL) and on memory, which must agree. */
  async function both(options: Parameters<typeof traceStatsIn>[1]): Promise<TraceStats[]> {
    const cached = await traceStatsIn(seeded.store, options);
    const sql = traceStatsInSql(seeded.store, options);
    const js = await traceStatsIn(memory, { experimentIds: ['0'], ...options });
    expect(rounded(cached)).toEqual(rounded(sql));
    expect(rounded(cached)).toEqual(rounded(js));
    return cached;
  }

  it('compares app versions: interactions, distinct users and sessions, errors, latency, tokens and cost', async () => {
    const [v100, v110] = await both({ groupBy: 'metadata.app_version' });
    expect(v100).toEqual({
      group: { 'metadata.app_version': '1.0.0' },
      count: 4,
      users: 1,
      sessions: 1,
      errors: 2,
      errorRate: 0.5,
      latencyMs: { mean: 1657.5, p50: 1310, p95: expect.closeTo(3775, 9), min: 10, max: 4000 },
      tokens: { input: 100, output: 20, total: 120 },
      costUsd: 0.001,
      firstRequestTime: BASE + 1000,
      lastRequestTime: BASE + 6000,
    });
    expect(v110).toMatchObject({
      group: { 'metadata.app_version': '1.1.0' },
      count: 4,
      users: 3,
      sessions: 3,
      errors: 0,
      errorRate: 0,
    });
    expect(v110.latencyMs).toEqual({ mean: 537.5, p50: 550, p95: 970, min: 50, max: 1000 });
    expect(v110.tokens).toEqual({ input: 150, output: 30, total: 180 });
    expect(v110.costUsd).toBeCloseTo(0.009, 12);
  });

  it('groups by user with traces lacking the key last, under a null group', async () => {
    const rows = await both({ groupBy: 'metadata.`mlflow.trace.user`' });
    expect(rows.map((r) => [r.group['metadata.`mlflow.trace.user`'], r.count, r.sessions])).toEqual([
      ['user-123', 3, 2],
      ['user-456', 2, 1],
      ['user-☃', 1, 1],
      [null, 2, 0],
    ]);
  });

  it('groups by the cost and token usage metadata (columns of the trace in the local store)', async () => {
    const key = 'metadata.`mlflow.trace.cost`';
    const rows = await both({
      groupBy: key,
      filterString: "metadata.`mlflow.trace.cost` LIKE '%total_cost%'",
    });
    expect(rows.map((r) => [r.group[key], r.count])).toEqual([
      ['{"input_cost":0.0005,"output_cost":0.0005,"total_cost":0.001}', 1],
      ['{"input_cost":0.001,"output_cost":0.001,"total_cost":0.002}', 1],
      ['{"input_cost":0.0015,"output_cost":0.0015,"total_cost":0.003}', 1],
      ['{"input_cost":0.002,"output_cost":0.002,"total_cost":0.004}', 1],
    ]);
    const usage = await both({ groupBy: 'metadata.`mlflow.trace.tokenUsage`' });
    expect(usage.map((r) => r.group['metadata.`mlflow.trace.tokenUsage`'])).toContain(
      '{"input_tokens":40,"output_tokens":10,"total_tokens":50}',
    );
    expect(usage.at(-1)?.group['metadata.`mlflow.trace.tokenUsage`']).toBeNull();
  });

  it("reports one user's activity over a filter (seed 002's activity report)", async () => {
    const [report] = await both({
      filterString: `metadata.\`mlflow.trace.user\` = 'user-123' AND trace.timestamp_ms > ${BASE}`,
    });
    expect(report).toMatchObject({ group: {}, count: 3, users: 1, sessions: 2, errors: 1 });
    expect(report.errorRate).toBeCloseTo(1 / 3, 12);
    expect(report.latencyMs.mean).toBeCloseTo((120 + 2500 + 1000) / 3, 9);
  });

  it('groups by several keys and by UTC day', async () => {
    const rows = await both({ groupBy: ['metadata.`mlflow.source.type`', 'trace.status'], interval: 'day' });
    expect(
      rows.map((r) => [
        r.group['metadata.`mlflow.source.type`'],
        r.group['trace.status'],
        r.group.time,
        r.count,
      ]),
    ).toEqual([
      ['production', 'OK', '2025-12-12', 3],
      ['staging', 'ERROR', '2025-12-12', 1],
      ['staging', 'OK', '2025-12-12', 2],
      [null, 'ERROR', '2025-12-12', 1],
      [null, 'IN_PROGRESS', '2025-12-12', 1],
    ]);
    const hours = await both({ groupBy: 'tags.query_category', interval: 'hour' });
    expect(hours.map((r) => [r.group['tags.query_category'], r.group.time, r.count])).toEqual([
      ['chat', '2025-12-12T17:00Z', 4],
      ['support', '2025-12-12T17:00Z', 1],
      [null, '2025-12-12T17:00Z', 3],
    ]);
  });

  it('returns no groups when nothing matches', async () => {
    expect(await both({ filterString: "trace.name = 'nothing'" })).toEqual([]);
  });

  it('rejects group keys that are not tags, metadata, status or name', async () => {
    await expect(traceStatsIn(seeded.store, { groupBy: 'span.name' })).rejects.toThrow(
      'getTraceStats: cannot group by span.name; use metadata.<key>, tags.<key>, trace.status or trace.name.',
    );
    await expect(traceStatsIn(seeded.store, { interval: 'week' as never })).rejects.toThrow(
      "getTraceStats: interval must be 'hour' or 'day', got \"week\".",
    );
    await expect(traceStatsIn(seeded.store, { filterString: 'trace.status = OK' })).rejects.toThrow(
      'Invalid filter at position 15',
    );
  });
});

describe('latency percentiles', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: LocalStore;
  beforeEach(() => {
    tmp = tempDir();
    store = new LocalStore({ path: join(tmp.dir, 'p.db') });
    // Durations 1..100 ms written in a shuffled order.
    const durations = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
    const records: TraceRecord[] = durations.map((d, i) => {
      const t = corpus()[0];
      t.info.traceId = `tr-${(i + 1).toString(16).padStart(32, '0')}`;
      t.info.executionDuration = d;
      t.info.requestTime = BASE + i;
      return t;
    });
    store.export(records);
  });
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });

  it('computes p50 and p95 by linear interpolation, as numpy and pandas do', async () => {
    const [all] = await traceStatsIn(store);
    expect(all.count).toBe(100);
    expect(all.latencyMs.p50).toBeCloseTo(50.5, 9);
    expect(all.latencyMs.p95).toBeCloseTo(95.05, 9);
    expect(all.latencyMs.mean).toBe(50.5);
    expect([all.latencyMs.min, all.latencyMs.max]).toEqual([1, 100]);
  });

  it('computes the same percentiles in SQL, also when SQLite lacks its percentile functions', async () => {
    const [sql] = traceStatsInSql(store);
    expect(sql.latencyMs.p95).toBeCloseTo(95.05, 9);
    disableSqlPercentiles(store.database);
    const [all] = traceStatsInSql(store, { filterString: 'trace.execution_time_ms <= 20' });
    expect(all.count).toBe(20);
    expect(all.latencyMs.p50).toBeCloseTo(10.5, 9);
    expect(all.latencyMs.p95).toBeCloseTo(19.05, 9);
  });

  it('interpolates between ranks and handles one value', () => {
    expect(percentile([1, 2, 3, 4], 0.95)).toBeCloseTo(3.85, 12);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });
});
