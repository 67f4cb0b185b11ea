import { SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { activateOtelContext, deactivateOtelContext } from '../otel-context.js';
import { otlpToSink } from '../sink.js';
import type { Adapter } from './types.js';

let provider: BasicTracerProvider | undefined;
let processor: BatchSpanProcessor | undefined;
let tracer: Tracer | undefined;

/**
 * The raw OpenTelemetry SDK: BasicTracerProvider + BatchSpanProcessor (defaults: 512/batch,
 * queue 2048, 5 s delay) + OTLP/HTTP JSON exporter to the sink, AsyncLocalStorage context
 * manager. One span per call via `tracer.startActiveSpan`, no attributes.
 */
export const otel: Adapter = {
  name: 'OpenTelemetry SDK',
  sinkKey: 'otel',
  describe:
    'BasicTracerProvider + BatchSpanProcessor(defaults) + OTLPTraceExporter (HTTP/JSON) to the sink; ' +
    'tracer.startActiveSpan with the AsyncLocalStorage context manager; no attributes',
  async setup(sinkUrl) {
    processor = new BatchSpanProcessor(otlpToSink(sinkUrl, 'otel'));
    provider = new BasicTracerProvider({ spanProcessors: [processor] });
    tracer = provider.getTracer('autolog-bench');
  },
  traced(fn) {
    const t = tracer!;
    return (x) =>
      t.startActiveSpan('work', async (span) => {
        try {
          return await fn(x);
        } catch (err) {
          span.recordException(err as Error);
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw err;
        } finally {
          span.end();
        }
      });
  },
  tracedSync(fn) {
    const t = tracer!;
    return (x) =>
      t.startActiveSpan('work', (span) => {
        try {
          return fn(x);
        } finally {
          span.end();
        }
      });
  },
  async flush() {
    await provider!.forceFlush();
  },
  async teardown() {
    await provider?.shutdown();
  },
  activate: activateOtelContext,
  deactivate: deactivateOtelContext,
};
