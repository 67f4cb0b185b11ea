/** `traceFromMlflowJson`: MLflow's JSON of a trace, as `toJSON()` writes it, read back whole. */
import { describe, expect, it } from 'vitest';
import { getTrace, trace, traceFromMlflowJson, updateCurrentTrace } from '../src/index.js';
import { memoryTracing } from './helpers.js';

describe('traceFromMlflowJson', () => {
  it('reads back what toJSON() wrote: info, metadata, spans with inputs, outputs, types, errors and events', async () => {
    const t = memoryTracing();
    const answer = trace(
      async function answer(question: string) {
        updateCurrentTrace({ metadata: { 'mlflow.trace.user': 'alice' }, tags: { env: 'test' } });
        await trace(
          (query: string) => {
            throw new Error(`index offline, no results for ${query}`);
          },
          { name: 'retrieve', spanType: 'RETRIEVER' },
        )(question);
      },
      { spanType: 'CHAIN' },
    );
    await answer('where?').catch(() => undefined);
    const [record] = await t.traces();
    const original = (await getTrace(record.info.traceId))!;

    const read = traceFromMlflowJson(JSON.parse(JSON.stringify(original.toJSON())));
    expect(read.info).toMatchObject({
      traceId: record.info.traceId,
      state: 'ERROR',
      requestTime: record.info.requestTime,
      tags: { env: 'test', 'mlflow.traceName': 'answer' },
    });
    expect(read.info.traceMetadata['mlflow.trace.user']).toBe('alice');
    expect(read.info.executionDuration).toBeCloseTo(record.info.executionDuration, 3);
    const byName = Object.fromEntries(read.data.spans.map((s) => [s.name, s]));
    expect(byName.answer).toMatchObject({
      spanType: 'CHAIN',
      inputs: { question: 'where?' },
      parentId: null,
    });
    expect(byName.retrieve).toMatchObject({
      spanType: 'RETRIEVER',
      parentId: byName.answer.spanId,
      traceId: record.info.traceId,
      inputs: { query: 'where?' },
      status: { code: 'ERROR' },
    });
    expect(byName.retrieve.events.map((e) => e.name)).toEqual(['exception']);
    expect(read.data.spans.map((s) => s.spanId).sort()).toEqual(
      record.data.spans.map((s) => s.spanId).sort(),
    );
  });

  it('says what is wrong with a trace it cannot read', () => {
    const info = { trace_id: 'tr-1', request_time: '2026-01-01T00:00:00Z', state: 'OK' };
    expect(() => traceFromMlflowJson({ info: {} })).toThrow('info.trace_id is missing');
    expect(() => traceFromMlflowJson({ info: { ...info, state: 'DONE' } })).toThrow(
      'info.state "DONE" is not OK, ERROR or IN_PROGRESS',
    );
    expect(() => traceFromMlflowJson({ info: { ...info, request_time: 'yesterday' } })).toThrow(
      'request_time "yesterday" is not a time',
    );
    expect(() => traceFromMlflowJson({ info: { ...info, execution_duration: '3 minutes' } })).toThrow(
      'is not a duration like "1.25s"',
    );
    expect(() => traceFromMlflowJson({ info, data: { spans: {} } })).toThrow('data.spans is not an array');
    expect(() => traceFromMlflowJson({ info, data: { spans: [{ name: 'x' }] } })).toThrow(
      'span 0 has no span_id',
    );
    expect(() =>
      traceFromMlflowJson({ info, data: { spans: [{ span_id: 'AAAAAAAAAAE=', name: 'x' }] } }),
    ).toThrow('span 0 (0000000000000001) has no start_time_unix_nano');
  });
});
