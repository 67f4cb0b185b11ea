/**
 * Trace and span ids are made when first read (at export for a trace nobody asks about), so a
 * traced call does not pay for them. What a user can observe must not change: ids are valid and
 * stable once read, client calls find a trace by its id, and finished traces are let go.
 */
import { describe, expect, it } from 'vitest';
import {
  continueTrace,
  getLastActiveTraceId,
  startSpan,
  TracingClient,
  trace,
  withSpan,
} from '../src/index.js';
import { openTraces } from '../src/trace-buffer.js';
import { memoryTracing } from './helpers.js';

const TRACE_ID = /^tr-[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

describe('ids made on first use', () => {
  it('gives a trace nobody asked about valid, distinct ids, with children linked to their parents', async () => {
    const t = memoryTracing();
    const child = trace((n: number) => n * 2, { name: 'child' });
    const parent = trace((n: number) => child(n) + child(n + 1), { name: 'parent' });
    for (let i = 0; i < 50; i++) parent(i);
    const traces = await t.traces();
    expect(traces).toHaveLength(50);
    const traceIds = new Set(traces.map((r) => r.info.traceId));
    expect(traceIds.size).toBe(50);
    for (const record of traces) {
      expect(record.info.traceId).toMatch(TRACE_ID);
      const [root, ...children] = record.data.spans;
      expect(root.spanId).toMatch(SPAN_ID);
      expect(root.traceId).toBe(record.info.traceId);
      expect(children).toHaveLength(2);
      expect(children.every((s) => s.parentId === root.spanId && s.traceId === record.info.traceId)).toBe(
        true,
      );
      expect(children[0].spanId).not.toBe(children[1].spanId);
    }
  });

  it('keeps an id read while the span is open as the one exported', async () => {
    const t = memoryTracing();
    let seen: { traceId: string; spanId: string } | undefined;
    await withSpan(
      async (span) => {
        await new Promise((r) => setTimeout(r, 1));
        seen = { traceId: span.traceId, spanId: span.spanId };
      },
      { name: 'outer' },
    );
    const [record] = await t.traces();
    expect(record.info.traceId).toBe(seen?.traceId);
    expect(record.data.spans[0].spanId).toBe(seen?.spanId);
  });

  it('finds an open fluent trace by the id read from its span (client children)', async () => {
    const t = memoryTracing();
    const client = new TracingClient();
    const root = startSpan({ name: 'root' });
    const child = client.startSpan({ name: 'child', traceId: root.traceId, parentId: root.spanId });
    client.endSpan({ traceId: root.traceId, spanId: child.spanId });
    root.end();
    const [record] = await t.traces();
    expect(record.data.spans.map((s) => s.name)).toEqual(['root', 'child']);
    expect(record.data.spans[1].parentId).toBe(record.data.spans[0].spanId);
  });

  it("finds a trace continued from a traceparent by the caller's id before any id is read", async () => {
    const t = memoryTracing();
    const client = new TracingClient();
    const callerTraceId = '4bf92f3577b34d0e8736a7b3c5e1d2f0';
    continueTrace({ traceparent: `00-${callerTraceId}-00f067aa0ba902b7-01` }, () => {
      const root = startSpan({ name: 'handler' });
      // The trace id comes from the header: a client call can use it without asking the span.
      const root2 = client.startSpan({
        name: 'from-client',
        traceId: `tr-${callerTraceId}`,
        parentId: root.spanId,
      });
      expect(root2.isRecording).toBe(true);
      root2.end();
      root.end();
    });
    const [record] = await t.traces();
    expect(record.info.traceId).toBe(`tr-${callerTraceId}`);
    expect(record.data.spans.map((s) => s.name)).toEqual(['handler', 'from-client']);
  });

  it('keeps only the id of the last finished trace once it is exported', async () => {
    const t = memoryTracing();
    trace((n: number) => n, { name: 'last' })(1);
    // Asked before the export: the id is made now and is the one exported.
    const early = getLastActiveTraceId();
    const [record] = await t.traces();
    expect(early).toBe(record.info.traceId);
    const registry = (globalThis as Record<symbol, { lastFinished?: unknown }>)[
      Symbol.for('autolog.core.traces.v3')
    ];
    expect(registry?.lastFinished).toBe(record.info.traceId);
    expect(getLastActiveTraceId()).toBe(record.info.traceId);
  });

  it('lets finished traces go, whether or not their ids were read', async () => {
    const t = memoryTracing();
    const before = [...openTraces()].length;
    const quiet = trace(async (n: number) => n, { name: 'quiet' });
    const asked = trace(async (n: number) => n, { name: 'asked' });
    await Promise.all(Array.from({ length: 200 }, (_, i) => quiet(i)));
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        withSpan(
          async (span) => {
            void span.traceId;
            return asked(i);
          },
          { name: 'wrapper' },
        ),
      ),
    );
    expect([...openTraces()].length).toBe(before);
    const client = new TracingClient();
    const records = await t.traces();
    expect(records).toHaveLength(400);
    // A finished trace is no longer open to the client API.
    const last = records[records.length - 1].info.traceId;
    expect(client.startSpan({ name: 'late', traceId: last, parentId: '0000000000000001' }).isRecording).toBe(
      false,
    );
  });
});
