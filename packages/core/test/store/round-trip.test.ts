import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/store/index.js';
import type { TraceRecord } from '../../src/types.js';
import { realisticTrace, simpleTrace, tempDir } from './fixtures.js';

describe('LocalStore round trip', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: LocalStore;
  beforeEach(() => {
    tmp = tempDir();
    store = new LocalStore({ path: join(tmp.dir, 'traces.db') });
  });
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });

  it('reads back a realistic trace exactly as exported', () => {
    const trace = realisticTrace();
    store.export([trace]);
    expect(store.getTrace(trace.info.traceId)).toStrictEqual(trace);
  });

  it('reads back exactly after reopening the file', () => {
    const trace = realisticTrace();
    store.export([trace]);
    store.close();
    store = new LocalStore({ path: join(tmp.dir, 'traces.db') });
    expect(store.getTrace(trace.info.traceId)).toStrictEqual(trace);
  });

  it('reads back a minimal trace without optional fields, adding no keys', () => {
    const trace: TraceRecord = {
      info: {
        traceId: 'tr-00000000000000000000000000000abc',
        experimentId: '0',
        requestTime: 1_700_000_000_000,
        executionDuration: 0,
        state: 'IN_PROGRESS',
        traceMetadata: {},
        tags: {},
        assessments: [],
      },
      data: { spans: [] },
    };
    store.export([trace]);
    expect(store.getTrace(trace.info.traceId)).toStrictEqual(trace);
  });

  it('returns null for an unknown trace id', () => {
    expect(store.getTrace('tr-ffffffffffffffffffffffffffffffff')).toBeNull();
  });

  it('returns spans ordered by start time whatever the export order', () => {
    const trace = simpleTrace(1, { children: 3 });
    const reversed = { ...trace, data: { spans: [...trace.data.spans].reverse() } };
    store.export([reversed]);
    expect(store.getTrace(trace.info.traceId)?.data.spans).toStrictEqual(trace.data.spans);
  });

  it('stores the root span name as the trace name and as tag mlflow.traceName when missing', () => {
    const trace = simpleTrace(2);
    trace.info.tags = {};
    store.export([trace]);
    const row = store.database
      .prepare('SELECT name FROM traces WHERE trace_id = ?')
      .pluck()
      .get(trace.info.traceId);
    expect(row).toBe('handle_request');
    expect(store.getTrace(trace.info.traceId)?.info.tags).toEqual({
      'mlflow.traceName': 'handle_request',
    });
  });

  it('indexes span name, type and status in columns for search', () => {
    const trace = realisticTrace();
    store.export([trace]);
    const rows = store.database
      .prepare('SELECT span_id, name, span_type, status, start_time_ns FROM spans ORDER BY start_time_ns')
      .all();
    expect(rows).toEqual(
      trace.data.spans.map((s) => ({
        span_id: s.spanId,
        name: s.name,
        span_type: s.spanType,
        status: s.status.code,
        start_time_ns: s.startTimeNs,
      })),
    );
  });
});
