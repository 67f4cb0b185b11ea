import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasFacts, setFactsCacheLimit } from '../../src/analyse/facts-cache.js';
import {
  type TraceStats,
  type TraceStatsOptions,
  traceStatsIn,
  traceStatsInSql,
} from '../../src/analyse/stats.js';
import { deleteTracesIn, setTraceTagIn } from '../../src/annotate/tags.js';
import { LocalStore } from '../../src/store/index.js';
import { corpus, ID } from '../query/corpus.js';
import { type Seeded, seededStore } from '../query/helpers.js';

const rounded = (stats: TraceStats[]) =>
  JSON.parse(JSON.stringify(stats, (_k, v) => (typeof v === 'number' ? Math.round(v * 1e9) / 1e9 : v)));

describe('the statistics column cache of the local store', () => {
  let seeded: Seeded;
  beforeEach(async () => {
    seeded = seededStore();
    // The first call runs in SQL, the second builds the columns the tests then keep in step.
    await traceStatsIn(seeded.store);
    expect(hasFacts(seeded.store)).toBe(false);
    await traceStatsIn(seeded.store);
    expect(hasFacts(seeded.store)).toBe(true);
  });
  afterEach(() => {
    setFactsCacheLimit();
    seeded.cleanup();
  });

  /** Cached statistics, checked against the same statistics computed in SQL. */
  async function stats(
    options: TraceStatsOptions = {},
    store: LocalStore = seeded.store,
  ): Promise<TraceStats[]> {
    const cached = await traceStatsIn(store, options);
    expect(rounded(cached)).toEqual(rounded(traceStatsInSql(store, options)));
    return cached;
  }
  const counts = async (groupBy: string, store?: LocalStore) =>
    Object.fromEntries((await stats({ groupBy }, store)).map((s) => [String(s.group[groupBy]), s.count]));

  it('includes traces written after the first call, extending metadata groups', async () => {
    expect(await counts('metadata.app_version')).toEqual({ '1.0.0': 4, '1.1.0': 4 });
    const extra = corpus()[0];
    extra.info.traceId = 'tr-000000000000000000000000000000aa';
    extra.info.traceMetadata = { ...extra.info.traceMetadata, app_version: '2.0.0' };
    seeded.store.export([extra]);
    expect(await counts('metadata.app_version')).toEqual({ '1.0.0': 4, '1.1.0': 4, '2.0.0': 1 });
  });

  it('forgets deleted traces', async () => {
    await stats();
    await deleteTracesIn(seeded.store, { traceIds: [ID.t1, ID.t8] });
    const [all] = await stats();
    expect(all.count).toBe(6);
  });

  it('sees a re-export of the newest trace that reuses its row id', async () => {
    await stats();
    const newest = corpus().find((t) => t.info.traceId === ID.t8)!;
    newest.info.executionDuration = 99_999;
    seeded.store.export([newest]);
    const [all] = await stats();
    expect(all.latencyMs.max).toBe(99_999);
    expect(all.count).toBe(8);
  });

  it('sees a rewrite of the newest trace that changes only its metadata', async () => {
    expect(await counts('metadata.app_version')).toEqual({ '1.0.0': 4, '1.1.0': 4 });
    const newest = corpus().find((t) => t.info.traceId === ID.t8)!;
    newest.info.traceMetadata = {
      ...newest.info.traceMetadata,
      app_version: '9.9.9',
      'mlflow.trace.user': 'someone-else',
    };
    seeded.store.export([newest]);
    expect(await counts('metadata.app_version')).toEqual({ '1.0.0': 4, '1.1.0': 3, '9.9.9': 1 });
    expect(
      (await stats({ groupBy: 'metadata.`mlflow.trace.user`' })).map(
        (s) => s.group['metadata.`mlflow.trace.user`'],
      ),
    ).toContain('someone-else');
  });

  it('sees a rewrite of the last written trace, which keeps its row id', async () => {
    const rowid = () =>
      seeded.store.database.prepare('SELECT rowid FROM traces WHERE trace_id = ?').pluck().get(ID.other);
    const before = rowid();
    await stats({ experimentIds: ['7'] });
    const last = corpus().find((t) => t.info.traceId === ID.other)!;
    last.info.executionDuration = 777;
    last.info.traceMetadata = { ...last.info.traceMetadata, app_version: '3.0.0' };
    seeded.store.export([last]);
    expect(rowid()).toBe(before);
    const [other] = await stats({ experimentIds: ['7'], groupBy: 'metadata.app_version' });
    expect(other.group['metadata.app_version']).toBe('3.0.0');
    expect(other.latencyMs.max).toBe(777);
  });

  it('follows tag changes and renames', async () => {
    expect(await counts('tags.query_category')).toEqual({ chat: 4, support: 1, null: 3 });
    await setTraceTagIn(seeded.store, ID.t5, 'query_category', 'support');
    await setTraceTagIn(seeded.store, ID.t3, 'mlflow.traceName', 'chat');
    expect(await counts('tags.query_category')).toEqual({ chat: 4, support: 2, null: 2 });
    expect((await counts('trace.name')).chat).toBe(5);
  });

  it('sees writes made through another connection to the same file', async () => {
    await stats();
    const other = new LocalStore({ path: seeded.store.path });
    const extra = corpus()[1];
    extra.info.traceId = 'tr-000000000000000000000000000000bb';
    other.export([extra]);
    other.close();
    const [all] = await stats();
    expect(all.count).toBe(9);
    expect(all.errors).toBe(3);
  });

  it('selects traces through SQL for filters the columns cannot answer', async () => {
    const [t] = await stats({
      filterString: "feedback.user_satisfaction = 'false' AND trace.execution_time_ms > 100",
    });
    expect(t.count).toBe(2);
    const byStatus = await stats({
      groupBy: 'trace.status',
      filterString: `trace.timestamp_ms >= ${corpus()[2].info.requestTime}`,
    });
    expect(byStatus.map((s) => [s.group['trace.status'], s.count])).toEqual([
      ['ERROR', 1],
      ['IN_PROGRESS', 1],
      ['OK', 4],
    ]);
  });

  it('falls back to SQL above the cache limit with the same results', async () => {
    setFactsCacheLimit(3);
    await deleteTracesIn(seeded.store, { traceIds: [ID.t1] });
    expect(await counts('metadata.app_version')).toEqual({ '1.0.0': 3, '1.1.0': 4 });
    expect(hasFacts(seeded.store)).toBe(false);
  });
});

describe('the statistics column cache with an experiment per store', () => {
  it('keeps experiments apart', async () => {
    const seeded = seededStore();
    try {
      const [other] = await traceStatsIn(seeded.store, { experimentIds: ['7'] });
      expect(other.count).toBe(1);
      expect((await traceStatsIn(seeded.store, { experimentIds: ['0', '7'] }))[0].count).toBe(9);
    } finally {
      seeded.cleanup();
    }
  });
});
