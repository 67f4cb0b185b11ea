import { withSpan } from '@autolog/core';
import { type OpenAIServer, startOpenAIServer } from '@autolog/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openaiPlugin } from '../src/index.js';
import { clientClasses, memoryTracing, OPENAI_VERSIONS, TEST_KEY } from './helpers.js';

let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer();
});
afterAll(async () => {
  await server.close();
  openaiPlugin.disable();
});

const messages = [{ role: 'user' as const, content: 'Plan a picnic' }];

describe.each(OPENAI_VERSIONS)('SDK helpers on $label', ({ module, label }) => {
  const { OpenAI } = clientClasses(module);
  let client: any;
  let t: ReturnType<typeof memoryTracing>;
  // 4.x keeps parse/stream/runTools under beta.chat.completions.
  const chat = () =>
    client.chat.completions.runTools ? client.chat.completions : client.beta.chat.completions;

  beforeAll(() => {
    openaiPlugin.patchModule(module);
  });
  beforeEach(() => {
    t = memoryTracing();
    client = new OpenAI({ apiKey: TEST_KEY, baseURL: server.url, maxRetries: 0 });
  });

  it('traces chat.completions.parse as one model call with its parsed output', async () => {
    const { zodResponseFormat } = await import(
      label === 'openai@4' ? 'openai-v4/helpers/zod' : 'openai/helpers/zod'
    );
    const Plan = z.object({ place: z.string(), people: z.number() });
    const result = await chat().parse({
      model: 'gpt-4o-mini',
      messages,
      response_format: zodResponseFormat(Plan, 'plan'),
    });
    expect(result.choices[0].message.parsed).toBeTruthy();
    const spans = await t.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].spanType).toBe('CHAT_MODEL');
    expect(spans[0].attributes['mlflow.chat.tokenUsage']).toBeDefined();
  });

  it('traces the chat.completions.stream() helper with usage', async () => {
    const stream = chat().stream({ model: 'gpt-4o-mini', messages, stream_options: { include_usage: true } });
    const final = await stream.finalChatCompletion();
    const spans = await t.spans();
    expect(spans).toHaveLength(1);
    expect((spans[0].outputs as any).choices[0].message.content).toBe(final.choices[0].message.content);
    expect((spans[0].attributes['mlflow.chat.tokenUsage'] as any).total_tokens).toBeGreaterThan(0);
  });

  it('traces every model call of runTools inside the current trace', async () => {
    const getWeather = async ({ city }: { city: string }) => `sunny in ${city}`;
    const content = await withSpan(
      async () => {
        const runner = chat().runTools({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'Use the tool to get the weather' }],
          tools: [
            {
              type: 'function',
              function: {
                name: 'getWeather',
                function: getWeather,
                parse: JSON.parse,
                parameters: { type: 'object', properties: { city: { type: 'string' } } },
              },
            },
          ],
        });
        return runner.finalContent();
      },
      { name: 'agent' },
    );
    expect(content).toContain('The tool returned');
    const [record] = await t.traces();
    const calls = record.data.spans.filter((s) => s.spanType === 'CHAT_MODEL');
    expect(calls).toHaveLength(2);
    expect(calls.every((s) => s.parentId === record.data.spans[0].spanId)).toBe(true);
  });

  it('traces responses.stream() and responses.parse', async () => {
    if (!client.responses?.stream) return;
    const stream = client.responses.stream({ model: 'gpt-4o-mini', input: 'hello' });
    await stream.finalResponse();
    if (client.responses.parse) {
      const { zodTextFormat } = await import('openai/helpers/zod');
      if (label !== 'openai@4')
        await client.responses.parse({
          model: 'gpt-4o-mini',
          input: 'plan',
          text: { format: zodTextFormat(z.object({ a: z.string() }), 'a') },
        });
    }
    const spans = await t.spans();
    expect(spans.length).toBeGreaterThanOrEqual(1);
    expect(spans.every((s) => s.spanType === 'CHAT_MODEL' && s.attributes['mlflow.chat.tokenUsage'])).toBe(
      true,
    );
  });
});

describe('content capture', () => {
  /** One chat call on openai 7; its span keeps usage but no messages or outputs. */
  async function expectNoContent(): Promise<void> {
    const { module } = OPENAI_VERSIONS[3];
    openaiPlugin.patchModule(module);
    const t = memoryTracing();
    const { OpenAI } = clientClasses(module);
    await new OpenAI({ apiKey: TEST_KEY, baseURL: server.url }).chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
    });
    const [span] = await t.spans();
    expect(span.inputs).toBeUndefined();
    expect(span.outputs).toBeUndefined();
    expect(span.attributes['mlflow.chat.tokenUsage']).toBeDefined();
  }

  it('records no messages or outputs when captureContent is false, but keeps usage', async () => {
    openaiPlugin.configure({ captureContent: false });
    try {
      await expectNoContent();
    } finally {
      openaiPlugin.configure({});
    }
  });

  it('records no messages or outputs when AUTOLOG_OPENAI_CAPTURE_CONTENT=false (read when configured)', async () => {
    process.env.AUTOLOG_OPENAI_CAPTURE_CONTENT = 'false';
    openaiPlugin.configure({});
    try {
      await expectNoContent();
    } finally {
      delete process.env.AUTOLOG_OPENAI_CAPTURE_CONTENT;
      openaiPlugin.configure({});
    }
  });

  it('uses overridden prices for the cost', async () => {
    const { module } = OPENAI_VERSIONS[3];
    openaiPlugin.patchModule(module);
    openaiPlugin.configure({ prices: { 'my-model': { input: 1_000_000, output: 0 } } });
    try {
      const t = memoryTracing();
      const { OpenAI } = clientClasses(module);
      const c = await new OpenAI({ apiKey: TEST_KEY, baseURL: server.url }).chat.completions.create({
        model: 'my-model',
        messages,
      });
      const [span] = await t.spans();
      expect((span.attributes['mlflow.llm.cost'] as any).input_cost).toBe(c.usage.prompt_tokens);
    } finally {
      openaiPlugin.configure({});
    }
  });
});
