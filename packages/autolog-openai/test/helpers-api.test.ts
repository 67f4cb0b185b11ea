import { createRequire } from 'node:module';
import { trace, tracingContext, withSpan } from '@autolog/core';
import { isWrapped } from '@autolog/core/plugin';
import { type OpenAIServer, startOpenAIServer } from '@autolog/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openaiPlugin } from '../src/index.js';
import { azureClient, clientClasses, memoryTracing, OPENAI_VERSIONS, TEST_KEY } from './helpers.js';

const require = createRequire(import.meta.url);

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

  /** A runnable tool for runTools; `impl` is what the model's call runs. */
  const weatherTool = (impl: (args: { city: string }) => unknown) => ({
    type: 'function' as const,
    function: {
      name: 'getWeather',
      function: impl,
      parse: JSON.parse,
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    },
  });
  const toolRequest = (tool: unknown, extra: Record<string, unknown> = {}) => ({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user' as const, content: 'Use the tool to get the weather' }],
    tools: [tool],
    ...extra,
  });

  it('traces runTools as one AGENT span with its model calls and tool calls beneath', async () => {
    const impl = async ({ city }: { city: string }) => `sunny in ${city}`;
    const tool = weatherTool(impl);
    const request = toolRequest(tool);
    const runner = chat().runTools(request);
    const content = await runner.finalContent();
    expect(content).toContain('The tool returned');
    // The caller's request is not changed.
    expect(request.tools[0]).toBe(tool);
    expect(tool.function.function).toBe(impl);

    const [record, ...others] = await t.traces();
    expect(others).toHaveLength(0);
    const [root, ...children] = record.data.spans;
    expect(root.name).toBe('OpenAI.chat.completions.runTools');
    expect(root.spanType).toBe('AGENT');
    expect(root.status.code).toBe('OK');
    expect(root.outputs).toBe(content);
    expect((root.inputs as any).messages[0].content).toBe('Use the tool to get the weather');
    const calls = children.filter((s) => s.spanType === 'CHAT_MODEL');
    const tools = children.filter((s) => s.spanType === 'TOOL');
    expect(calls).toHaveLength(2);
    expect(tools).toHaveLength(1);
    expect(children.every((s) => s.parentId === root.spanId)).toBe(true);
    expect(tools[0].name).toBe('getWeather');
    expect(tools[0].inputs).toEqual(expect.objectContaining({ city: expect.any(String) }));
    expect(tools[0].outputs).toBe(`sunny in ${(tools[0].inputs as any).city}`);
    // In order: model call, tool, model call.
    const order = children.sort((a, b) => a.startTimeNs - b.startTimeNs).map((s) => s.spanType);
    expect(order).toEqual(['CHAT_MODEL', 'TOOL', 'CHAT_MODEL']);
    // The trace's usage is the two model calls', counted once.
    const usage = calls.map((s) => (s.attributes['mlflow.chat.tokenUsage'] as any).total_tokens);
    expect(record.info.tokenUsage?.total_tokens).toBe(usage[0] + usage[1]);
  });

  it('nests runTools in the current trace, and traced code inside a tool under its TOOL span', async () => {
    const lookup = trace(async (city: string) => `sunny in ${city}`, { name: 'lookup' });
    await withSpan(
      async () =>
        chat()
          .runTools(toolRequest(weatherTool(({ city }) => lookup(city))))
          .finalContent(),
      { name: 'agent' },
    );
    const [record] = await t.traces();
    const byName = new Map(record.data.spans.map((s) => [s.name, s]));
    expect(byName.get('OpenAI.chat.completions.runTools')?.parentId).toBe(byName.get('agent')?.spanId);
    expect(byName.get('lookup')?.parentId).toBe(byName.get('getWeather')?.spanId);
  });

  it('traces a streaming runTools the same way', async () => {
    const runner = chat().runTools(
      toolRequest(
        weatherTool(({ city }) => `rainy in ${city}`),
        { stream: true, stream_options: { include_usage: true } },
      ),
    );
    const content = await runner.finalContent();
    const [record] = await t.traces();
    const [root, ...children] = record.data.spans;
    expect(root.spanType).toBe('AGENT');
    expect(root.attributes['autolog.stream']).toBe(true);
    expect(root.outputs).toBe(content);
    expect(children.map((s) => s.spanType).sort()).toEqual(['CHAT_MODEL', 'CHAT_MODEL', 'TOOL']);
    expect(children.every((s) => s.parentId === root.spanId)).toBe(true);
  });

  it('records a failing tool on its span and the run, and the app sees the same failure as untraced', async () => {
    const failure = new Error('weather service down');
    const run = () =>
      chat()
        .runTools(toolRequest(weatherTool(() => Promise.reject(failure))))
        .finalContent();
    const traced = await run().catch((err: unknown) => err);

    const untraced = await tracingContext({ enabled: false }, () => run().catch((err: unknown) => err));
    expect((traced as Error).constructor).toBe((untraced as Error).constructor);
    expect((traced as Error).message).toBe((untraced as Error).message);

    const [record] = await t.traces();
    const [root] = record.data.spans;
    const tool = record.data.spans.find((s) => s.spanType === 'TOOL')!;
    expect(tool.status.code).toBe('ERROR');
    expect(tool.events[0].attributes['exception.message']).toBe('weather service down');
    expect(root.spanType).toBe('AGENT');
    expect(root.status.code).toBe('ERROR');
    expect(root.status.message).toContain('weather service down');
    expect(record.info.state).toBe('ERROR');
  });

  it('traces zodFunction tools (parsed arguments in, result out)', async () => {
    const alias = label === 'openai@7' ? 'openai' : label.replace('openai@', 'openai-v');
    const { zodFunction } = require(`${alias}/helpers/zod`);
    const tool = zodFunction({
      name: 'getWeather',
      parameters: z.object({ city: z.string() }),
      function: ({ city }: { city: string }) => `foggy in ${city}`,
    });
    await chat().runTools(toolRequest(tool)).finalContent();
    const spans = await t.spans();
    const toolSpan = spans.find((s) => s.spanType === 'TOOL');
    if (!toolSpan) throw new Error('no TOOL span');
    expect(toolSpan.name).toBe('getWeather');
    expect(toolSpan.outputs).toBe(`foggy in ${(toolSpan.inputs as any).city}`);
  });

  it('ends the runTools span as an error when the app aborts the run', async () => {
    const runner = chat().runTools(toolRequest(weatherTool(({ city }) => city)));
    runner.abort();
    const err = await runner.done().catch((e: unknown) => e);
    expect((err as Error).constructor.name).toBe('APIUserAbortError');
    const [record] = await t.traces();
    const root = record.data.spans[0];
    expect(root.spanType).toBe('AGENT');
    expect(root.status.code).toBe('ERROR');
    expect(root.events[0].attributes['exception.type']).toBe('APIUserAbortError');
  });

  it('traces runTools on a client traced with wrap(client)', async () => {
    openaiPlugin.disable();
    try {
      const wrapped = openaiPlugin.wrap(new OpenAI({ apiKey: TEST_KEY, baseURL: server.url, maxRetries: 0 }));
      const resource = wrapped.chat.completions.runTools
        ? wrapped.chat.completions
        : wrapped.beta.chat.completions;
      await resource.runTools(toolRequest(weatherTool(({ city }) => city))).finalContent();
      const spans = await t.spans();
      expect(spans.map((s) => s.spanType).sort()).toEqual(['AGENT', 'CHAT_MODEL', 'CHAT_MODEL', 'TOOL']);
      openaiPlugin.unwrap(wrapped);
      expect(isWrapped(resource.runTools)).toBe(false);
    } finally {
      openaiPlugin.patchModule(module);
    }
  });

  it('names the runTools span after AzureOpenAI on an Azure client', async () => {
    const { AzureOpenAI } = clientClasses(module);
    if (!AzureOpenAI) return;
    const azure = azureClient(AzureOpenAI, server.azureEndpoint);
    const resource = azure.chat.completions.runTools ? azure.chat.completions : azure.beta.chat.completions;
    await resource.runTools(toolRequest(weatherTool(({ city }) => city))).finalContent();
    const [root, ...children] = await t.spans();
    expect(root.name).toBe('AzureOpenAI.chat.completions.runTools');
    expect(root.attributes['mlflow.llm.provider']).toBe('azure');
    expect(
      children.filter((s) => s.spanType === 'CHAT_MODEL').every((s) => s.name.startsWith('AzureOpenAI.')),
    ).toBe(true);
  });

  it('leaves runTools untraced after the plugin is disabled', async () => {
    openaiPlugin.disable();
    try {
      expect(isWrapped(chat().runTools)).toBe(false);
      await chat()
        .runTools(toolRequest(weatherTool(({ city }) => city)))
        .finalContent();
      expect(await t.traces()).toHaveLength(0);
    } finally {
      openaiPlugin.patchModule(module);
    }
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
