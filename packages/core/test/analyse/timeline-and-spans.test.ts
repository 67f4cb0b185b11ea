import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorGroupsIn, slowestSpansIn } from '../../src/analyse/spans.js';
import { sessionTimelineIn } from '../../src/analyse/timeline.js';
import { MemoryDestination } from '../../src/destinations/memory.js';
import type { TraceStore } from '../../src/types.js';
import { BASE, corpus, ID } from '../query/corpus.js';
import { seededStore } from '../query/helpers.js';

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

describe.each(BACKENDS)('analysis on %s', (_name, make) => {
  let store: TraceStore;
  let cleanup: () => void;
  beforeEach(() => {
    ({ store, cleanup } = make());
  });
  afterEach(() => cleanup());
  const exp0 = { experimentIds: ['0'] };

  it('lays out a session turn by turn with time, duration, status, request and response', async () => {
    const timeline = await sessionTimelineIn(store, 'session-abc-0', exp0);
    expect(timeline.turns.map(({ assessments, ...turn }) => turn)).toEqual([
      {
        turn: 1,
        traceId: ID.t1,
        requestTime: BASE + 1000,
        durationMs: 120,
        status: 'OK',
        request: { message: 'What is MLflow?' },
        response: 'MLflow is an open-source platform.',
        user: 'user-123',
      },
      {
        turn: 2,
        traceId: ID.t2,
        requestTime: BASE + 2000,
        durationMs: 2500,
        status: 'ERROR',
        request: { message: 'Where is my order 42?' },
        response: null,
        user: 'user-123',
      },
    ]);
    expect(timeline.turns[1].assessments.map((a) => a.name)).toEqual(['user_satisfaction', 'relevance']);
    expect(timeline).toMatchObject({
      sessionId: 'session-abc-0',
      users: ['user-123'],
      errors: 1,
      spanMs: 3500,
    });
  });

  it('keeps only valid assessments on each turn', async () => {
    const { turns } = await sessionTimelineIn(store, 'session-def-0', exp0);
    expect(turns.map((t) => t.traceId)).toEqual([ID.t3, ID.t4]);
    expect(turns[1].assessments.map((a) => a.assessmentId)).toEqual(['a-t4-new']);
  });

  it('finds sessions whose ids hold quotes or unicode, and returns no turns for unknown ones', async () => {
    expect((await sessionTimelineIn(store, 'session-☃', exp0)).turns.map((t) => t.traceId)).toEqual([ID.t5]);
    expect(await sessionTimelineIn(store, "x' OR '1'='1", exp0)).toEqual({
      sessionId: "x' OR '1'='1",
      turns: [],
      users: [],
      errors: 0,
      spanMs: 0,
    });
    await expect(sessionTimelineIn(store, '')).rejects.toThrow(
      'getSessionTimeline: sessionId must be a non-empty string, got "".',
    );
  });

  it('lists the slowest spans of a trace above a threshold with depth and share of the trace', async () => {
    const spans = await slowestSpansIn(store, ID.t2, { minDurationMs: 1000 });
    expect(spans).toEqual([
      {
        spanId: '0002000000000000',
        name: 'chat',
        spanType: 'CHAIN',
        parentId: null,
        depth: 0,
        durationMs: 2500,
        startOffsetMs: 0,
        fractionOfTrace: 1,
        status: 'ERROR',
      },
      {
        spanId: '0002000000000002',
        name: 'lookup_order',
        spanType: 'TOOL',
        parentId: '0002000000000000',
        depth: 1,
        durationMs: 2080,
        startOffsetMs: 410,
        fractionOfTrace: 0.832,
        status: 'ERROR',
      },
    ]);
    expect((await slowestSpansIn(store, ID.t2, { limit: 1 })).map((s) => s.name)).toEqual(['chat']);
    expect((await slowestSpansIn(store, ID.t2)).map((s) => s.name)).toEqual([
      'chat',
      'lookup_order',
      'openai.chat',
    ]);
    await expect(slowestSpansIn(store, 'tr-nope')).rejects.toThrow(
      `getSlowestSpans: trace "tr-nope" not found in the ${store.name} destination.`,
    );
    await expect(slowestSpansIn(store, ID.t2, { limit: 0 })).rejects.toThrow(
      'getSlowestSpans: limit must be a positive integer, got 0.',
    );
  });

  it('groups errors by type and message, counting traces once however many spans rethrew', async () => {
    const groups = await errorGroupsIn(store, exp0);
    expect(groups).toEqual([
      {
        errorType: 'TimeoutError',
        message: 'lookup_order timed out',
        traces: 1,
        spans: 2,
        spanNames: ['chat', 'lookup_order'],
        sampleTraceIds: [ID.t2],
        firstSeen: BASE + 2000,
        lastSeen: BASE + 2000,
      },
      {
        errorType: 'RateLimitError',
        message: 'quota exceeded',
        traces: 1,
        spans: 1,
        spanNames: ['classify'],
        sampleTraceIds: [ID.t6],
        firstSeen: BASE + 6000,
        lastSeen: BASE + 6000,
      },
      {
        errorType: null,
        message: 'quota exceeded',
        traces: 1,
        spans: 1,
        spanNames: ['batch_job'],
        sampleTraceIds: [ID.t6],
        firstSeen: BASE + 6000,
        lastSeen: BASE + 6000,
      },
    ]);
    const recent = await errorGroupsIn(store, {
      ...exp0,
      filterString: `trace.timestamp_ms > ${BASE + 5000}`,
      limit: 1,
    });
    expect(recent.map((g) => g.errorType)).toEqual(['RateLimitError']);
    expect(await errorGroupsIn(store, { ...exp0, filterString: "metadata.app_version = '1.1.0'" })).toEqual(
      [],
    );
  });
});
