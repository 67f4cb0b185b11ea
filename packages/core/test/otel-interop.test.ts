/**
 * Autolog inside an app that already runs the OpenTelemetry SDK. The global OTel registration
 * lasts for the whole worker (vitest `pool: 'forks'` isolates each file), so this file only
 * covers the registered case.
 */

import { setTimeout as delay } from 'node:timers/promises';
import type { Span as OtelSpan } from '@opentelemetry/api';
import {
  createContextKey,
  context as otelContext,
  trace as otelTrace,
  ProxyTracerProvider,
} from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetOtelBridge } from '../src/context.js';
import {
  flushTraces,
  getCurrentActiveSpan,
  getLastActiveTraceId,
  getTrace,
  init,
  MemoryDestination,
  shutdown,
  type TraceRecord,
  trace,
  withSpan,
} from '../src/index.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const mem = new MemoryDestination();
const tracer = () => otelTrace.getTracer('app');

beforeAll(() => {
  provider.register();
  resetOtelBridge();
  init({ destination: mem, silent: true });
});

afterAll(async () => {
  await shutdown();
  await provider.shutdown();
  otelTrace.disable();
  otelContext.disable();
});

beforeEach(() => {
  mem.clear();
  exporter.reset();
});

/** Runs `fn` in a new active app span and ends the span when `fn` settles. */
function inAppSpan<T>(name: string, fn: (span: OtelSpan) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, async (span) => {
    try {
      return await fn(span);
    } finally {
      span.end();
    }
  });
}

async function recordOf(traceId: string): Promise<TraceRecord> {
  await flushTraces();
  const record = mem.getTrace(traceId);
  expect(record, `trace ${traceId} was exported`).not.toBeNull();
  return record!;
}

function exported(name: string): ReadableSpan {
  const spans = exporter.getFinishedSpans().filter((s) => s.name === name);
  expect(
    spans.map((s) => s.name),
    `one exported app span named ${name}`,
  ).toEqual([name]);
  return spans[0];
}

describe('an Autolog span inside an active OpenTelemetry span', () => {
  it("joins the app's trace: the trace id is tr- + the OTel trace id and the root records the OTel parent span id", async () => {
    const answer = trace(
      async (question: string) => {
        await delay(1);
        return withSpan(async () => question.toUpperCase(), { name: 'llm', spanType: 'LLM' });
      },
      { name: 'answer', spanType: 'CHAIN' },
    );
    const app = await inAppSpan('http.request', async (span) => {
      await delay(1); // the app's context survives an await before Autolog starts
      const output = await answer('hi');
      return { output, ctx: span.spanContext() };
    });
    expect(app.output).toBe('HI');

    const traceId = `tr-${app.ctx.traceId}`;
    expect(getLastActiveTraceId()).toBe(traceId);
    const record = await recordOf(traceId);
    expect(record.info.traceId).toBe(traceId);
    const [root, child] = record.data.spans;
    expect(root).toMatchObject({ name: 'answer', parentId: null, traceId });
    expect(root.attributes['autolog.otel.parent_span_id']).toBe(app.ctx.spanId);
    expect(child).toMatchObject({ name: 'llm', parentId: root.spanId, traceId });
    expect(child.attributes['autolog.otel.parent_span_id']).toBeUndefined();
  });

  it('starts a trace of its own when the app span is no longer active', async () => {
    const appTraceId = await inAppSpan('http.request', async (span) => span.spanContext().traceId);
    const traced = trace(() => 'done', { name: 'after-request' });
    traced();
    const traceId = getLastActiveTraceId()!;
    expect(traceId).not.toBe(`tr-${appTraceId}`);
    const record = await recordOf(traceId);
    expect(record.data.spans[0].attributes['autolog.otel.parent_span_id']).toBeUndefined();
  });

  it('keeps every Autolog call made while one app span is active, sequential and concurrent ones alike', async () => {
    const step = trace(
      async (n: number) => {
        await delay(1);
        return n * 2;
      },
      { name: 'step' },
    );
    const appSpanId = await inAppSpan('http.request', async (span) => {
      await step(1);
      await step(2);
      await Promise.all([step(3), step(4)]);
      return span.spanContext().spanId;
    });
    await flushTraces();
    const joined = mem.traces
      .flatMap((t) => t.data.spans)
      .filter((s) => s.name === 'step' && s.attributes['autolog.otel.parent_span_id'] === appSpanId);
    expect(joined.map((s) => (s.inputs as { n: number }).n).sort()).toEqual([1, 2, 3, 4]);
  });
});

describe('an OpenTelemetry span inside an Autolog span', () => {
  it('becomes a child of the Autolog trace() span, also when started after an await', async () => {
    let autologSpanId = '';
    const agent = trace(
      async () => {
        autologSpanId = getCurrentActiveSpan()!.spanId;
        await delay(1);
        await inAppSpan('db.query', async () => delay(1));
        return 'ok';
      },
      { name: 'agent', spanType: 'AGENT' },
    );
    await agent();
    const traceId = getLastActiveTraceId()!;
    const query = exported('db.query');
    expect(`tr-${query.spanContext().traceId}`).toBe(traceId);
    expect(query.parentSpanContext?.spanId).toBe(autologSpanId);
    expect(query.parentSpanContext?.traceId).toBe(query.spanContext().traceId);

    const record = await recordOf(traceId);
    expect(record.data.spans.map((s) => s.name)).toEqual(['agent']);
    expect(record.data.spans[0].spanId).toBe(autologSpanId);
  });

  it('becomes a child of the innermost withSpan span, for active and non-active app spans alike', async () => {
    const ids = await withSpan(
      async (outer) =>
        withSpan(
          async (inner) => {
            await delay(1);
            await inAppSpan('http.client', async () => undefined);
            tracer().startSpan('cache.get').end();
            return { outer: outer.spanId, inner: inner.spanId, traceId: inner.traceId };
          },
          { name: 'inner' },
        ),
      { name: 'outer' },
    );
    for (const name of ['http.client', 'cache.get']) {
      const span = exported(name);
      expect(`tr-${span.spanContext().traceId}`).toBe(ids.traceId);
      expect(span.parentSpanContext?.spanId).toBe(ids.inner);
    }
    const record = await recordOf(ids.traceId);
    expect(record.data.spans.map((s) => [s.name, s.parentId])).toEqual([
      ['outer', null],
      ['inner', ids.outer],
    ]);
  });

  it("does not leak the Autolog span into the app's context after the traced call", async () => {
    const traced = trace(async () => delay(1), { name: 'work' });
    await inAppSpan('http.request', async (span) => {
      await traced();
      expect(otelTrace.getActiveSpan()).toBe(span);
    });
    await traced();
    expect(otelTrace.getActiveSpan()).toBeUndefined();
  });
});

describe("the app's own OpenTelemetry setup", () => {
  it('is not replaced: the global provider still delegates to it, its spans are exported and nest across await', async () => {
    const key = createContextKey('app.value');
    const traced = trace(async (x: number) => x + 1, { name: 'autolog-work' });
    await traced(1);
    await inAppSpan('request', async () => {
      await traced(2);
      await delay(1);
      await inAppSpan('handler', async () => {
        await delay(1);
        await inAppSpan('db', async () => undefined);
      });
    });
    const valueSeen = await otelContext.with(otelContext.active().setValue(key, 'v'), async () => {
      await traced(3);
      await delay(1);
      return otelContext.active().getValue(key);
    });
    expect(valueSeen).toBe('v');

    const global = otelTrace.getTracerProvider();
    expect(global).toBeInstanceOf(ProxyTracerProvider);
    expect((global as ProxyTracerProvider).getDelegate()).toBe(provider);

    await flushTraces();
    const names = exporter.getFinishedSpans().map((s) => s.name);
    expect(names.sort()).toEqual(['db', 'handler', 'request']);
    const request = exported('request');
    const handler = exported('handler');
    const db = exported('db');
    expect(request.parentSpanContext).toBeUndefined();
    expect(handler.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(db.parentSpanContext?.spanId).toBe(handler.spanContext().spanId);
    expect(new Set([request, handler, db].map((s) => s.spanContext().traceId)).size).toBe(1);
  });

  it('lets getTrace read back a trace that joined the app trace', async () => {
    const traced = trace(() => 42, { name: 'sync-work' });
    const appTraceId = await inAppSpan('job', async (span) => {
      traced();
      return span.spanContext().traceId;
    });
    const read = await getTrace(`tr-${appTraceId}`);
    expect(read?.info.traceId).toBe(`tr-${appTraceId}`);
    expect(read?.data.spans.map((s) => s.name)).toEqual(['sync-work']);
  });
});
