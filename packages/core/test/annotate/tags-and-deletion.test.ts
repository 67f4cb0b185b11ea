import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteTracesIn, deleteTraceTagIn, setTraceTagIn } from '../../src/annotate/tags.js';
import { MemoryDestination } from '../../src/destinations/memory.js';
import type { AutologError } from '../../src/errors.js';
import { searchStore } from '../../src/query/search.js';
import type { TraceRecord, TraceStore } from '../../src/types.js';
import { BASE, corpus, ID } from '../query/corpus.js';
import { names, seededStore } from '../query/helpers.js';

const BACKENDS: Array<[string, () => { store: TraceStore; cleanup: () => void }]> = [
  ['the local store', () => seededStore()],
  [
    'the memory destination',
    () => {
      const store = new MemoryDestination();
      store.export(corpus());
      return { store, cleanup: () => store.clear() };
    },
  ],
];

async function failure(p: Promise<unknown>): Promise<AutologError> {
  try {
    await p;
  } catch (err) {
    return err as AutologError;
  }
  throw new Error('expected a rejection');
}

describe.each(BACKENDS)('tags and deletion on %s', (_name, make) => {
  let store: TraceStore;
  let cleanup: () => void;
  beforeEach(() => {
    ({ store, cleanup } = make());
  });
  afterEach(() => cleanup());

  const all = async (experimentIds = ['0']) =>
    names((await searchStore(store, { experimentIds, maxResults: 500 })).traces);
  const tagsOf = async (id: string) => ((await store.getTrace(id)) as TraceRecord).info.tags;

  it('sets, overwrites and searches a tag, converting numbers to strings', async () => {
    await setTraceTagIn(store, ID.t1, 'reviewed', 'no');
    await setTraceTagIn(store, ID.t1, 'reviewed', 'yes');
    await setTraceTagIn(store, ID.t2, 'priority', 2 as unknown as string);
    expect(await tagsOf(ID.t1)).toEqual({
      'mlflow.traceName': 'chat',
      query_category: 'chat',
      reviewed: 'yes',
    });
    expect((await tagsOf(ID.t2)).priority).toBe('2');
    expect(names((await searchStore(store, { filterString: "tags.reviewed = 'yes'" })).traces)).toEqual([
      't1',
    ]);
  });

  it('renames a trace through the mlflow.traceName tag', async () => {
    await setTraceTagIn(store, ID.t4, 'mlflow.traceName', 'thanks');
    expect(names((await searchStore(store, { filterString: "trace.name = 'thanks'" })).traces)).toEqual([
      't4',
    ]);
  });

  it('deletes a tag and reports a missing tag or trace by name', async () => {
    await deleteTraceTagIn(store, ID.t1, 'query_category');
    expect(await tagsOf(ID.t1)).toEqual({ 'mlflow.traceName': 'chat' });
    const missing = await failure(deleteTraceTagIn(store, ID.t1, 'query_category'));
    expect(missing.code).toBe('TAG_NOT_FOUND');
    expect(missing.message).toBe(`deleteTraceTag: trace "${ID.t1}" has no tag "query_category".`);
    const ghost = await failure(setTraceTagIn(store, 'tr-nope', 'k', 'v'));
    expect(ghost.code).toBe('TRACE_NOT_FOUND');
    expect(ghost.message).toBe(`setTraceTag: trace "tr-nope" not found in the ${store.name} destination.`);
    const badKey = await failure(setTraceTagIn(store, ID.t1, '', 'v'));
    expect(badKey.message).toBe('setTraceTag: "key" must be a non-empty string, got "".');
    const badValue = await failure(setTraceTagIn(store, ID.t1, 'k', { v: 1 } as unknown as string));
    expect(badValue.message).toBe('setTraceTag: "value" must be a string, got object.');
  });

  it('deletes traces by id, skipping unknown ids, across experiments', async () => {
    expect(await deleteTracesIn(store, { traceIds: [ID.t1, ID.t3, 'tr-unknown', ID.other] })).toBe(3);
    expect(await all()).toEqual(['t8', 't7', 't6', 't5', 't4', 't2']);
    expect(await store.getTrace(ID.t3)).toBeNull();
  });

  it("deletes the oldest traces up to a time, at most maxTraces, in the store's experiment only", async () => {
    expect(await deleteTracesIn(store, { maxTimestampMillis: BASE + 9_000, maxTraces: 2 })).toBe(2);
    expect(await all()).toEqual(['t8', 't7', 't6', 't5', 't4', 't3']);
    const deleted = await deleteTracesIn(store, {
      maxTimestampMillis: BASE + 5_000,
      ...(store instanceof MemoryDestination ? { experimentId: '0' } : {}),
    });
    expect(deleted).toBe(3);
    expect(await all()).toEqual(['t8', 't7', 't6']);
    expect(await all(['7'])).toEqual(['other']);
    expect(await deleteTracesIn(store, { maxTimestampMillis: BASE + 9_000, experimentId: '7' })).toBe(1);
  });

  it('asks for either traceIds or maxTimestampMillis, as MLflow does', async () => {
    const cases: Array<[Parameters<typeof deleteTracesIn>[1], string]> = [
      [{}, 'deleteTraces: give either "traceIds" or "maxTimestampMillis" (not both).'],
      [
        { traceIds: [ID.t1], maxTimestampMillis: 1 },
        'deleteTraces: give either "traceIds" or "maxTimestampMillis" (not both).',
      ],
      [
        { traceIds: [ID.t1], maxTraces: 1 },
        'deleteTraces: "maxTraces" applies only with "maxTimestampMillis".',
      ],
      [
        { maxTimestampMillis: -5 },
        'deleteTraces: "maxTimestampMillis" must be a non-negative integer, got -5.',
      ],
      [
        { traceIds: 'tr-1' as unknown as string[] },
        'deleteTraces: "traceIds" must be an array of trace id strings, got "tr-1".',
      ],
    ];
    for (const [options, message] of cases) {
      const err = await failure(deleteTracesIn(store, options));
      expect(err.code).toBe('INVALID_ARGUMENT');
      expect(err.message).toBe(message);
    }
    expect(await all()).toHaveLength(8);
  });
});

describe('annotating a destination that cannot store annotations', () => {
  it('fails with NOT_SUPPORTED naming the destination', async () => {
    const store: TraceStore = { name: 'custom', export: () => {}, getTrace: () => null };
    const err = await failure(setTraceTagIn(store, ID.t1, 'k', 'v'));
    expect(err.code).toBe('NOT_SUPPORTED');
    expect(err.message).toBe(
      'the destination "custom" cannot store tags or assessments; annotate traces in the local store or the memory destination.',
    );
    const search = await failure(searchStore(store, {}));
    expect(search.message).toBe(
      'the destination "custom" cannot search traces; search the local store or the memory destination.',
    );
  });
});
