import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { searchLocalStore } from '../../src/query/search-local.js';
import { LocalStore } from '../../src/store/index.js';
import type { Assessment, Feedback } from '../../src/types.js';
import { simpleTrace, tempDir, traceIdOf } from './fixtures.js';

const T1 = traceIdOf(1);

function feedback(id: string, extra: Partial<Feedback> = {}): Feedback {
  return {
    kind: 'feedback',
    assessmentId: id,
    traceId: T1,
    name: 'correctness',
    value: 'yes',
    source: { sourceType: 'LLM_JUDGE', sourceId: 'judge-1' },
    createTime: 1_700_000_100_000,
    lastUpdateTime: 1_700_000_100_000,
    valid: true,
    ...extra,
  };
}

describe('LocalStore annotations and deletion', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: LocalStore;
  beforeEach(() => {
    tmp = tempDir();
    store = new LocalStore({ path: join(tmp.dir, 'traces.db') });
    store.export([simpleTrace(1), simpleTrace(2), simpleTrace(3), simpleTrace(4)]);
  });
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });

  const count = (table: string) =>
    store.database.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;

  it('stores an assessment and reads it back, also as part of the trace', () => {
    const a = feedback('a-1', { rationale: 'matches', metadata: { judge: 'v2' }, spanId: 'x' });
    store.upsertAssessment(a);
    expect(store.getAssessment(T1, 'a-1')).toStrictEqual(a);
    expect(store.getTrace(T1)?.info.assessments).toStrictEqual([a]);
    expect(store.getAssessment(traceIdOf(2), 'a-1')).toBeNull();
  });

  it('updates an assessment in place on upsert, keeping its position', () => {
    store.upsertAssessment(feedback('a-1'));
    store.upsertAssessment(feedback('a-2', { name: 'style' }));
    const updated = feedback('a-1', { value: 'no', lastUpdateTime: 1_700_000_200_000 });
    store.upsertAssessment(updated);
    expect(store.getTrace(T1)?.info.assessments.map((a) => a.assessmentId)).toEqual(['a-1', 'a-2']);
    expect(store.getAssessment(T1, 'a-1')).toStrictEqual(updated);
  });

  it('marks the overridden assessment invalid when an overriding one is inserted', () => {
    store.upsertAssessment(feedback('a-old', { value: 'yes' }));
    const human: Assessment = feedback('a-new', {
      value: 'no',
      overrides: 'a-old',
      source: { sourceType: 'HUMAN', sourceId: 'alice' },
    });
    store.upsertAssessment(human);
    expect(store.getAssessment(T1, 'a-old')?.valid).toBe(false);
    expect(store.getAssessment(T1, 'a-new')).toStrictEqual(human);
  });

  it('marks overridden assessments invalid when they arrive inside an exported trace', () => {
    const trace = simpleTrace(9);
    const old = { ...feedback('b-old'), traceId: trace.info.traceId };
    const replacement = { ...feedback('b-new', { overrides: 'b-old' }), traceId: trace.info.traceId };
    trace.info.assessments = [old, replacement];
    store.export([trace]);
    expect(store.getAssessment(trace.info.traceId, 'b-old')?.valid).toBe(false);
  });

  it('deletes an assessment, restoring the one it overrode', () => {
    store.upsertAssessment(feedback('a-old'));
    store.upsertAssessment(feedback('a-new', { overrides: 'a-old' }));
    expect(store.deleteAssessment(T1, 'a-new')).toBe(true);
    expect(store.getAssessment(T1, 'a-new')).toBeNull();
    expect(store.getAssessment(T1, 'a-old')?.valid).toBe(true);
    expect(store.deleteAssessment(T1, 'a-new')).toBe(false);
  });

  it('refuses an assessment or a tag for an unknown trace with a clear error', () => {
    const ghost = traceIdOf(99);
    expect(() => store.upsertAssessment({ ...feedback('a-1'), traceId: ghost })).toThrow(
      `Trace "${ghost}" not found`,
    );
    expect(() => store.setTraceTag(ghost, 'k', 'v')).toThrow(`Trace "${ghost}" not found`);
  });

  it('sets, overwrites and deletes trace tags', () => {
    store.setTraceTag(T1, 'reviewed', 'no');
    store.setTraceTag(T1, 'reviewed', 'yes');
    expect(store.getTrace(T1)?.info.tags).toEqual({ 'mlflow.traceName': 'handle_request', reviewed: 'yes' });
    expect(store.deleteTraceTag(T1, 'reviewed')).toBe(true);
    expect(store.deleteTraceTag(T1, 'reviewed')).toBe(false);
    expect(store.getTrace(T1)?.info.tags).toEqual({ 'mlflow.traceName': 'handle_request' });
  });

  it('renames the trace when tag mlflow.traceName is set, and leaves it unnamed when the tag is deleted', () => {
    const nameOf = (id: string) =>
      store.database.prepare('SELECT name FROM traces WHERE trace_id = ?').pluck().get(id);
    const named = (filterString: string) =>
      searchLocalStore(store, { filterString }).traces.map((t) => t.info.traceId);
    store.setTraceTag(T1, 'mlflow.traceName', 'renamed');
    expect(nameOf(T1)).toBe('renamed');
    expect(store.getTrace(T1)?.info.tags).toEqual({ 'mlflow.traceName': 'renamed' });
    expect(named("tags.`mlflow.traceName` = 'renamed'")).toEqual([T1]);
    expect(named("trace.name = 'renamed'")).toEqual([T1]);
    expect(named("tags.`mlflow.traceName` != 'renamed'")).toHaveLength(3);
    expect(store.deleteTraceTag(T1, 'mlflow.traceName')).toBe(true);
    expect(store.deleteTraceTag(T1, 'mlflow.traceName')).toBe(false);
    expect(nameOf(T1)).toBeNull();
    expect(store.getTrace(T1)?.info.tags).toEqual({});
    expect(named("tags.`mlflow.traceName` != 'renamed'")).not.toContain(T1);
  });

  it('deletes traces by id, cascading to spans, tags, metadata and assessments', () => {
    const withOwn = simpleTrace(3);
    withOwn.info.traceMetadata = { ...withOwn.info.traceMetadata, 'mlflow.trace.user': 'u-3', app: 'x' };
    store.export([withOwn]);
    for (const n of [1, 2, 3]) store.setTraceTag(traceIdOf(n), 'reviewed', 'yes');
    expect(count('trace_metadata')).toBe(2);
    store.upsertAssessment(feedback('a-1'));
    expect(store.deleteTraces({ traceIds: [T1, traceIdOf(3), traceIdOf(42)] })).toBe(2);
    expect(store.getTrace(T1)).toBeNull();
    expect(store.listTraces().map((i) => i.traceId)).toEqual([traceIdOf(4), traceIdOf(2)]);
    expect(count('traces')).toBe(2);
    expect(count('spans')).toBe(6);
    expect(count('trace_tags')).toBe(1);
    expect(count('trace_metadata')).toBe(0);
    expect(count('assessments')).toBe(0);
    // The metadata every trace shares is kept once, for the traces that remain.
    expect(store.getTrace(traceIdOf(2))?.info.traceMetadata).toEqual({ 'mlflow.trace_schema.version': '3' });
  });

  it('deletes the oldest traces up to a timestamp, at most maxTraces', () => {
    const t3 = simpleTrace(3).info.requestTime;
    for (const n of [1, 2, 3, 4]) store.setTraceTag(traceIdOf(n), 'reviewed', 'yes');
    expect(store.deleteTraces({ maxTimestampMs: t3, maxTraces: 2 })).toBe(2);
    expect(store.listTraces().map((i) => i.traceId)).toEqual([traceIdOf(4), traceIdOf(3)]);
    expect(store.deleteTraces({ maxTimestampMs: t3 })).toBe(1);
    expect(count('spans')).toBe(3);
    expect(count('trace_tags')).toBe(1);
  });

  it('scopes deletion to an experiment and requires ids or a timestamp', () => {
    const other = store.getOrCreateExperiment('other');
    store.export([simpleTrace(10, { experimentId: other, requestTime: 1 })]);
    expect(store.deleteTraces({ experimentId: other, maxTimestampMs: Date.now() })).toBe(1);
    expect(count('traces')).toBe(4);
    expect(store.deleteTraces({ traceIds: [] })).toBe(0);
    expect(() => store.deleteTraces({})).toThrow(/traceIds.*maxTimestampMs/);
  });
});
