import { LangfuseSpanProcessor } from '@langfuse/otel';
import { observe } from '@langfuse/tracing';
import { trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { activateOtelContext, deactivateOtelContext } from '../otel-context.js';
import type { Adapter } from './types.js';

let processor: LangfuseSpanProcessor | undefined;
let provider: NodeTracerProvider | undefined;

/**
 * Langfuse v5 (`@langfuse/tracing` + `@langfuse/otel`), set up as its README says: a
 * LangfuseSpanProcessor (default batched mode: OTel BatchSpanProcessor + OTLP/HTTP JSON exporter
 * to `<baseUrl>/api/public/otel/v1/traces`) on a NodeTracerProvider registered as the global
 * tracer provider; `observe(fn)` with its defaults (captures input and output).
 */
export const langfuse: Adapter = {
  name: 'Langfuse',
  sinkKey: 'langfuse',
  describe:
    'observe(fn) from @langfuse/tracing; LangfuseSpanProcessor (batched, baseUrl = sink, fake pk/sk) ' +
    'on a NodeTracerProvider set as the global tracer provider',
  async setup(sinkUrl) {
    processor = new LangfuseSpanProcessor({
      publicKey: 'pk-lf-bench',
      secretKey: 'sk-lf-bench',
      baseUrl: `${sinkUrl}/langfuse`,
    });
    provider = new NodeTracerProvider({ spanProcessors: [processor] });
    // `provider.register()` would also install a context manager and propagator globally; the
    // context manager is switched by activate()/deactivate() instead (see otel-context.ts).
    if (!trace.setGlobalTracerProvider(provider)) throw new Error('global tracer provider already set');
  },
  traced: (fn) => observe(fn, { name: 'work' }),
  tracedSync: (fn) => observe(fn, { name: 'work' }),
  async flush() {
    await processor!.forceFlush();
  },
  async teardown() {
    await provider?.shutdown();
    trace.disable();
  },
  activate: activateOtelContext,
  deactivate: deactivateOtelContext,
  heldProbe() {
    // Ended spans still in Langfuse's async post-processing (nothing is dropped until they reach
    // its BatchSpanProcessor, after the loop) + spans queued in that BatchSpanProcessor.
    return () => {
      const p = processor as unknown as {
        pendingEndedSpans?: Set<unknown>;
        processor?: { _finishedSpans?: unknown[] };
      };
      if (!p?.pendingEndedSpans) return undefined;
      return p.pendingEndedSpans.size + (p.processor?._finishedSpans?.length ?? 0);
    };
  },
};
