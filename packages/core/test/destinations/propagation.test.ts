import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMlflowServer, startOtlpCollector } from '@autolog/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  continueTrace,
  flushTraces,
  getTraceparent,
  init,
  injectTraceContext,
  MemoryDestination,
  parseTraceparent,
  type TraceRecord,
  trace,
  withSpan,
} from '../../src/index.js';
import { tmpSpool } from './helpers.js';

describe('W3C trace context helpers', () => {
  // Spans here go to memory, not to a store in the working directory.
  beforeAll(() => init({ silent: true, destination: new MemoryDestination() }));

  it('parses valid traceparent headers and rejects invalid ones', () => {
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      sampled: true,
    });
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00')?.sampled).toBe(false);
    for (const bad of [
      '',
      'garbage',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra',
    ]) {
      expect(parseTraceparent(bad)).toBeUndefined();
    }
  });

  it('injects the current span into plain objects and Headers, and nothing outside a span', () => {
    expect(injectTraceContext({ accept: 'json' })).toEqual({ accept: 'json' });
    expect(getTraceparent()).toBeUndefined();
    withSpan(
      (span) => {
        const plain = injectTraceContext({ accept: 'json' }) as Record<string, string>;
        expect(plain.traceparent).toBe(`00-${span.traceId.slice(3)}-${span.spanId}-01`);
        const headers = injectTraceContext(new Headers());
        expect(headers.get('traceparent')).toBe(plain.traceparent);
      },
      { name: 'outgoing' },
    );
  });

  it('runs the function untouched when the incoming headers carry no valid traceparent', () => {
    expect(continueTrace({ traceparent: 'nonsense' }, () => 7)).toBe(7);
    expect(continueTrace(undefined, () => 8)).toBe(8);
  });
});

describe('a trace that spans two services', () => {
  it('keeps the caller’s trace id downstream; OTLP joins the parts and MLflow merges them into one trace', {
    timeout: 30_000,
  }, async () => {
    const collector = await startOtlpCollector();
    const mlflow = await startMlflowServer();
    const records: TraceRecord[] = [];
    init({
      silent: true,
      destination: [
        { name: 'capture', export: (t) => void records.push(...t) },
        `otlp+${collector.url}`,
        mlflow.url,
      ],
      spool: tmpSpool(),
    });

    // Service B: continues the caller's trace from the incoming headers.
    const lookup = trace(async (sku: string) => ({ sku, stock: 3 }), {
      name: 'inventory.lookup',
      spanType: 'TOOL',
    });
    const serviceB: Server = createServer((req, res) => {
      void continueTrace(req.headers, () => lookup('sku-1')).then((body) => res.end(JSON.stringify(body)));
    });
    serviceB.listen(0, '127.0.0.1');
    await once(serviceB, 'listening');
    const urlB = `http://127.0.0.1:${(serviceB.address() as AddressInfo).port}/stock`;

    // Service A: calls B with the trace context in the headers.
    let callerSpan = '';
    const agent = trace(
      async () => {
        return withSpan(
          async (span) => {
            callerSpan = span.spanId;
            const res = await fetch(urlB, { headers: injectTraceContext({}) as Record<string, string> });
            return res.json();
          },
          { name: 'call-inventory', spanType: 'TOOL' },
        );
      },
      { name: 'agent', spanType: 'AGENT' },
    );
    await agent();
    expect(await flushTraces(10_000)).toBe(true);
    serviceB.close();

    const a = records.find((r) => r.data.spans[0].name === 'agent')!;
    const b = records.find((r) => r.data.spans[0].name === 'inventory.lookup')!;
    expect(b.info.traceId).toBe(a.info.traceId); // the continued trace keeps the caller's trace id
    expect(b.data.spans[0].attributes['autolog.otel.parent_span_id']).toBe(callerSpan);
    expect(b.info.traceMetadata['autolog.parent_span_id']).toBe(callerSpan);

    const otelTrace = a.info.traceId.slice(3);
    const joined = collector.spans.filter((s) => s.traceId === otelTrace);
    expect(joined.map((s) => s.name).sort()).toEqual(['agent', 'call-inventory', 'inventory.lookup']);
    expect(joined.find((s) => s.name === 'inventory.lookup')!.parentSpanId).toBe(callerSpan);

    const merged = mlflow.state.traces.get(a.info.traceId)!;
    expect(mlflow.state.traces.size).toBe(1);
    expect(merged.spans.size).toBe(3);
    expect(merged.info.tags['mlflow.traceName']).toBe('agent');
    expect(merged.info.state).toBe('OK');
    await collector.close();
    await mlflow.close();
  });
});
