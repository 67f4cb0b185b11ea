import { type OtlpCollector, startMlflowServer, startOtlpCollector } from '@autolog/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AutologError,
  flushTraces,
  init,
  MemoryDestination,
  MlflowDestination,
  OtlpDestination,
  trace,
  tracingContext,
  withSpan,
} from '../../src/index.js';
import { statsOf, tmpSpool } from './helpers.js';

const saved = { ...process.env };
let collector: OtlpCollector | undefined;
afterEach(async () => {
  await collector?.close();
  collector = undefined;
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
});

/** One chat turn by user u-7 in session s-7; returns the trace id. */
async function chatTurn(): Promise<string> {
  let id = '';
  const agent = trace(
    async (question: string) => {
      id = withSpan(
        (s) => {
          s.setAttributes({
            'mlflow.chat.tokenUsage': { input_tokens: 12, output_tokens: 5, total_tokens: 17 },
            'mlflow.llm.provider': 'openai',
            'mlflow.llm.model': 'gpt-4o-mini',
            temperature_label: 'low',
          });
          s.setOutputs({
            id: 'chatcmpl-1',
            model: 'gpt-4o-mini-2024-07-18',
            choices: [{ finish_reason: 'stop', message: { content: 'hi' } }],
          });
          return s.traceId;
        },
        {
          name: 'ChatOpenAI',
          spanType: 'CHAT_MODEL',
          inputs: {
            model: 'gpt-4o-mini',
            temperature: 0.2,
            max_tokens: 64,
            messages: [{ role: 'user', content: question }],
          },
        },
      );
      withSpan(() => 42, { name: 'lookup_order', spanType: 'TOOL' });
      return 'done';
    },
    { name: 'support-agent', spanType: 'AGENT' },
  );
  await tracingContext({ metadata: { 'mlflow.trace.user': 'u-7', 'mlflow.trace.session': 's-7' } }, () =>
    agent('where is my order?'),
  );
  return id;
}

describe('OTLP destination', () => {
  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    it(`sends spans with mlflow.* and GenAI semantic-convention attributes (${protocol})`, async () => {
      collector = await startOtlpCollector();
      init({
        silent: true,
        destination: new OtlpDestination({
          url: `${collector.url}/v1/traces`,
          protocol,
          serviceName: 'support-bot',
        }),
        spool: tmpSpool(),
      });
      const traceId = await chatTurn();
      expect(await flushTraces(10_000)).toBe(true);
      const spans = collector.spans;
      expect(spans.map((s) => s.name).sort()).toEqual(['ChatOpenAI', 'lookup_order', 'support-agent']);
      expect(new Set(spans.map((s) => s.encoding))).toEqual(
        new Set([protocol === 'http/json' ? 'json' : 'protobuf']),
      );
      const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
      const root = byName['support-agent'];
      const llm = byName.ChatOpenAI;
      expect(spans.every((s) => `tr-${s.traceId}` === traceId)).toBe(true);
      expect(root.parentSpanId).toBe('');
      expect(llm.parentSpanId).toBe(root.spanId);
      expect(llm.kind).toBe('SPAN_KIND_CLIENT');
      expect(llm.resource['service.name']).toBe('support-bot');
      expect(llm.attributes).toMatchObject({
        'mlflow.spanType': '"CHAT_MODEL"',
        'mlflow.traceRequestId': JSON.stringify(traceId),
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'openai',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.max_tokens': 64,
        'gen_ai.usage.input_tokens': 12,
        'gen_ai.usage.output_tokens': 5,
        'gen_ai.response.id': 'chatcmpl-1',
        'gen_ai.response.finish_reasons': ['stop'],
        'user.id': 'u-7',
        'session.id': 's-7',
        'gen_ai.conversation.id': 's-7',
        temperature_label: 'low',
      });
      expect(JSON.parse(String(llm.attributes['mlflow.spanInputs']))).toMatchObject({ model: 'gpt-4o-mini' });
      expect(JSON.parse(String(llm.attributes['mlflow.chat.tokenUsage']))).toEqual({
        input_tokens: 12,
        output_tokens: 5,
        total_tokens: 17,
      });
      expect(byName.lookup_order.attributes).toMatchObject({
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'lookup_order',
      });
      expect(root.attributes).toMatchObject({
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'support-agent',
        'user.id': 'u-7',
      });
    });
  }

  it('honours OTEL_EXPORTER_OTLP_ENDPOINT, _HEADERS and _PROTOCOL when the destination comes from the environment', async () => {
    collector = await startOtlpCollector();
    Object.assign(process.env, {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=acme,api-key=k-5f2a9c',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'env-service',
    });
    const { destinations } = init({ silent: true, spool: tmpSpool() });
    expect(destinations[0]).toBeInstanceOf(OtlpDestination);
    await chatTurn();
    await flushTraces(10_000);
    expect(collector.requests[0]).toMatchObject({ path: '/v1/traces', contentType: 'application/json' });
    expect(collector.requests[0].headers).toMatchObject({ 'x-tenant': 'acme', 'api-key': '[present]' });
    expect(collector.spans[0].resource['service.name']).toBe('env-service');
  });

  it('rejects the gRPC protocol at init with what to use instead', () => {
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'grpc';
    try {
      init({ silent: true, destination: 'otlp+http://127.0.0.1:4318' });
      throw new Error('init did not throw');
    } catch (err) {
      expect(err).toBeInstanceOf(AutologError);
      expect((err as AutologError).message).toContain('http/protobuf');
    }
  });

  it('does not retry a 400 from the collector; retries a 503 and delivers', async () => {
    collector = await startOtlpCollector();
    init({
      silent: true,
      destination: `otlp+${collector.url}`,
      spool: tmpSpool(),
      retryDelayMs: { initial: 20, max: 200 },
    });
    collector.failNext({ status: 400 });
    await chatTurn();
    await flushTraces(10_000);
    expect(statsOf('otlp')).toMatchObject({ exported: 0, dropped: 1, retried: 0 });
    expect(collector.requests).toHaveLength(1);
    collector.failNext({ status: 503, times: 2 });
    await chatTurn();
    await flushTraces(20_000);
    expect(statsOf('otlp')).toMatchObject({ exported: 1, dropped: 1 });
    expect(collector.spans).toHaveLength(3);
  });

  it('sends each trace to several destinations at once: memory, OTLP and MLflow', async () => {
    collector = await startOtlpCollector();
    const mlflow = await startMlflowServer();
    try {
      const memory = new MemoryDestination();
      init({
        silent: true,
        destination: [memory, `otlp+${collector.url}`, new MlflowDestination({ trackingUri: mlflow.url })],
        spool: tmpSpool(),
      });
      const id = await chatTurn();
      await flushTraces(10_000);
      expect(memory.getTrace(id)).not.toBeNull();
      expect(collector.spans.filter((s) => `tr-${s.traceId}` === id)).toHaveLength(3);
      expect(mlflow.state.traces.get(id)?.spans.size).toBe(3);
      expect(['memory', 'otlp', 'mlflow'].map((d) => statsOf(d).exported)).toEqual([1, 1, 1]);
    } finally {
      await mlflow.close();
    }
  });
});
