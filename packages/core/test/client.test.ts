import { describe, expect, it } from 'vitest';
import { SpanType, TracingClient, trace, tracingContext, withSpan } from '../src/index.js';
import { memoryTracing, spanNamed, tree } from './helpers.js';

describe('TracingClient', () => {
  it('builds a trace by explicit ids, with tags and metadata on the trace', async () => {
    const t = memoryTracing();
    const client = new TracingClient();
    const root = client.startTrace({
      name: 'rag',
      inputs: { question: 'q?' },
      spanType: SpanType.CHAIN,
      tags: { env: 'dev' },
      metadata: { 'mlflow.trace.user': 'u' },
    });
    const retriever = client.startSpan({
      name: 'retrieve',
      traceId: root.traceId,
      parentId: root.spanId,
      spanType: SpanType.RETRIEVER,
      inputs: { query: 'q?' },
    });
    client.endSpan({ traceId: root.traceId, spanId: retriever.spanId, outputs: [{ page_content: 'doc' }] });
    const llm = client.startSpan({
      name: 'llm',
      traceId: root.traceId,
      parentId: root.spanId,
      spanType: SpanType.LLM,
    });
    client.endSpan({
      traceId: root.traceId,
      spanId: llm.spanId,
      outputs: 'a!',
      attributes: { 'mlflow.chat.tokenUsage': { input_tokens: 3, output_tokens: 2, total_tokens: 5 } },
    });
    client.endTrace({ traceId: root.traceId, outputs: 'a!' });
    const [record] = await t.traces();
    expect(tree(record)).toEqual({ rag: null, retrieve: 'rag', llm: 'rag' });
    expect(record.info.tags.env).toBe('dev');
    expect(record.info.traceMetadata['mlflow.trace.user']).toBe('u');
    expect(record.info.tokenUsage).toEqual({ input_tokens: 3, output_tokens: 2, total_tokens: 5 });
    expect(spanNamed(record, 'retrieve').outputs).toEqual([{ page_content: 'doc' }]);
  });

  it('keeps many open traces apart and accepts spans ending out of order', async () => {
    const t = memoryTracing();
    const client = new TracingClient();
    const roots = Array.from({ length: 50 }, (_, i) => client.startTrace({ name: `trace-${i}` }));
    const children = roots.map((root, i) =>
      client.startSpan({ name: `child-${i}`, traceId: root.traceId, parentId: root.spanId }),
    );
    const grandchildren = children.map((child, i) =>
      client.startSpan({ name: `grandchild-${i}`, traceId: roots[i].traceId, parentId: child.spanId }),
    );
    // End the root first, then the child, then the grandchild: the trace is exported once all have ended.
    for (const root of roots) client.endTrace({ traceId: root.traceId });
    expect(await t.traces()).toHaveLength(0);
    children.forEach((child, i) => {
      client.endSpan({ traceId: roots[i].traceId, spanId: child.spanId });
    });
    for (const g of grandchildren.reverse()) client.endSpan({ traceId: g.traceId, spanId: g.spanId });
    const traces = await t.traces();
    expect(traces).toHaveLength(50);
    for (const record of traces) {
      const i = record.data.spans[0].name.split('-')[1];
      expect(tree(record)).toEqual({
        [`trace-${i}`]: null,
        [`child-${i}`]: `trace-${i}`,
        [`grandchild-${i}`]: `child-${i}`,
      });
      expect(record.data.spans.every((s) => s.status.code === 'OK')).toBe(true);
    }
  });

  it('lets a fluent span have client-API children', async () => {
    const t = memoryTracing();
    const client = new TracingClient();
    await trace(
      async () => {
        await withSpan(
          (span) => {
            const child = client.startSpan({
              name: 'client-child',
              traceId: span.traceId,
              parentId: span.spanId,
            });
            client.endSpan({ traceId: child.traceId, spanId: child.spanId, outputs: 1 });
          },
          { name: 'fluent-inner' },
        );
      },
      { name: 'fluent-root' },
    )();
    const [record] = await t.traces();
    expect(tree(record)).toEqual({
      'fluent-root': null,
      'fluent-inner': 'fluent-root',
      'client-child': 'fluent-inner',
    });
  });

  it("takes nothing from the caller's context when adding spans by id (no metadata leaks between traces)", async () => {
    const t = memoryTracing();
    const client = new TracingClient();
    const root = tracingContext({ metadata: { 'mlflow.trace.user': 'alice' } }, () =>
      client.startTrace({ name: 'alice-run' }),
    );
    tracingContext({ metadata: { 'mlflow.trace.user': 'bob' } }, () => {
      const poll = client.startSpan({ name: 'poll', traceId: root.traceId, parentId: root.spanId });
      client.endSpan({ traceId: root.traceId, spanId: poll.spanId });
    });
    tracingContext({ enabled: false }, () => {
      const step = client.startSpan({ name: 'step', traceId: root.traceId, parentId: root.spanId });
      expect(step.isRecording).toBe(true);
      step.end();
    });
    client.endTrace({ traceId: root.traceId });
    const [record] = await t.traces();
    expect(record.info.traceMetadata['mlflow.trace.user']).toBe('alice');
    expect(record.data.spans.map((s) => s.name)).toEqual(['alice-run', 'poll', 'step']);
  });

  it('never throws on unknown trace or span ids', async () => {
    const t = memoryTracing();
    const client = new TracingClient();
    const span = client.startSpan({ name: 'orphan', traceId: 'tr-0123', parentId: 'abc' });
    expect(span.isRecording).toBe(false);
    expect(() => client.endSpan({ traceId: 'tr-missing', spanId: 'x' })).not.toThrow();
    expect(() => client.endTrace({ traceId: 'tr-missing' })).not.toThrow();
    const root = client.startTrace({ name: 'r' });
    const child = client.startSpan({
      name: 'bad-parent',
      traceId: root.traceId,
      parentId: 'ffffffffffffffff',
    });
    child.end();
    root.end();
    const [record] = await t.traces();
    expect(tree(record)).toEqual({ r: null, 'bad-parent': 'r' });
  });

  it('exports a trace whose children never end once the grace period passes, marking them unfinished', async () => {
    const t = memoryTracing({ openSpanGraceMs: 20 });
    const client = new TracingClient();
    const root = client.startTrace({ name: 'root' });
    client.startSpan({ name: 'forgotten', traceId: root.traceId, parentId: root.spanId });
    client.endTrace({ traceId: root.traceId });
    await new Promise((r) => setTimeout(r, 60));
    const [record] = await t.traces();
    const forgotten = spanNamed(record, 'forgotten');
    expect(forgotten.status.code).toBe('ERROR');
    expect(forgotten.attributes['autolog.unfinished']).toBe(true);
  });
});
