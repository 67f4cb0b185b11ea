import { createRequire } from 'node:module';
import { withSpan } from '@autolog/core';
import { type OpenAIServer, startOpenAIServer } from '@autolog/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openaiPlugin } from '../src/index.js';
import { azureClient, clientClasses, memoryTracing, OPENAI_VERSIONS, TEST_KEY } from './helpers.js';

let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer();
});
afterAll(async () => {
  await server.close();
  openaiPlugin.disable();
});

const messages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Say hello to the tracing world' },
];

describe.each(OPENAI_VERSIONS)('$label', ({ module }) => {
  const { OpenAI, AzureOpenAI } = clientClasses(module);
  let client: any;
  let t: ReturnType<typeof memoryTracing>;

  beforeAll(() => {
    expect(openaiPlugin.patchModule(module)).toBe(true);
  });
  beforeEach(() => {
    t = memoryTracing();
    client = new OpenAI({ apiKey: TEST_KEY, baseURL: server.url, maxRetries: 0 });
  });

  it('records a chat completion with inputs, outputs, model, usage and cost', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      temperature: 0.2,
    });
    const [span] = await t.spans();
    expect(span.spanType).toBe('CHAT_MODEL');
    expect(span.name).toBe('OpenAI.chat.completions');
    expect(span.inputs).toMatchObject({ model: 'gpt-4o-mini', messages, temperature: 0.2 });
    expect((span.outputs as any).choices[0].message.content).toBe(completion.choices[0].message.content);
    expect(span.attributes['mlflow.llm.provider']).toBe('openai');
    expect(span.attributes['mlflow.llm.model']).toBe(completion.model);
    expect(span.attributes['mlflow.chat.tokenUsage']).toMatchObject({
      input_tokens: completion.usage.prompt_tokens,
      output_tokens: completion.usage.completion_tokens,
      total_tokens: completion.usage.total_tokens,
    });
    expect((span.attributes['mlflow.llm.cost'] as any).total_cost).toBeGreaterThan(0);
    expect(JSON.stringify(t.mem.traces)).not.toContain(TEST_KEY);
  });

  it('records n > 1 choices and tool calls', async () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      },
    ];
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      n: 2,
      tools,
      tool_choice: 'required',
    });
    const [span] = await t.spans();
    expect((span.outputs as any).choices).toHaveLength(completion.choices.length);
    expect(span.attributes['mlflow.chat.tools']).toEqual(tools);
    expect((span.outputs as any).choices[0].message.tool_calls[0].function.name).toBe('get_weather');
  });

  it('records a streamed chat completion with usage from the final chunk and time to first token', async () => {
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } },
      { headers: { 'x-testkit-chunks': '20' } },
    );
    expect(stream.constructor.name).toBe('Stream');
    let text = '';
    let usage: any;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    const spans = await t.spans();
    expect(spans).toHaveLength(1);
    const [span] = spans;
    expect((span.outputs as any).choices[0].message.content).toBe(text);
    expect(span.attributes['mlflow.chat.tokenUsage']).toMatchObject({
      input_tokens: usage.prompt_tokens,
      output_tokens: usage.completion_tokens,
    });
    expect(span.attributes['autolog.time_to_first_token_ms']).toBeGreaterThan(0);
    expect(span.attributes['autolog.stream.chunks']).toBeGreaterThanOrEqual(20);
  });

  it('ends a streamed span when the stream ends, and records what the server sent even if the app changes the chunks later', async () => {
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } },
      { headers: { 'x-testkit-chunks': '12' } },
    );
    const chunks: any[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    // Ended by now (within the clocks' resolution), well before the export 50 ms later.
    const endedBy = (Date.now() + 5) * 1e6;
    const sent = structuredClone(chunks.find((c) => c.usage).usage);
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    // The app reuses the chunks before the trace is exported.
    for (const chunk of chunks) {
      if (chunk.usage) chunk.usage.completion_tokens = 999_999;
      if (chunk.choices[0]?.delta) chunk.choices[0].delta.content = 'changed';
      chunk.model = 'changed';
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [span] = await t.spans();
    expect(span.endTimeNs).toBeLessThanOrEqual(endedBy);
    expect(span.attributes['mlflow.chat.tokenUsage']).toMatchObject({
      input_tokens: sent.prompt_tokens,
      output_tokens: sent.completion_tokens,
    });
    expect((span.outputs as any).usage).toEqual(sent);
    expect((span.outputs as any).choices[0].message.content).toBe(text);
    expect(span.attributes['mlflow.llm.model']).toBe('gpt-4o-mini');
  });

  it('joins streamed tool-call deltas into complete calls', async () => {
    const tools = [
      {
        type: 'function',
        function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
      },
    ];
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      tools,
      tool_choice: 'required',
      stream: true,
    });
    for await (const _ of stream) {
      // consume
    }
    const [span] = await t.spans();
    const call = (span.outputs as any).choices[0].message.tool_calls[0];
    expect(call.function.name).toBe('lookup');
    expect(() => JSON.parse(call.function.arguments)).not.toThrow();
    expect((span.outputs as any).choices[0].finish_reason).toBe('tool_calls');
  });

  it('keeps tee() working and ends the span once', async () => {
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages, stream: true },
      { headers: { 'x-testkit-chunks': '5' } },
    );
    const [left, right] = stream.tee();
    const read = async (s: any) => {
      let out = '';
      for await (const c of s) out += c.choices[0]?.delta?.content ?? '';
      return out;
    };
    const [a, b] = await Promise.all([read(left), read(right)]);
    expect(a).toBe(b);
    const spans = await t.spans();
    expect(spans).toHaveLength(1);
    expect((spans[0].outputs as any).choices[0].message.content).toBe(a);
  });

  it('keeps toReadableStream() working', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    const reader = stream.toReadableStream().getReader();
    let chunks = 0;
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
      chunks++;
    }
    expect(chunks).toBeGreaterThan(0);
    const [span] = await t.spans();
    expect(span.status.code).toBe('OK');
  });

  it('ends the span once when the consumer breaks early', async () => {
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages, stream: true },
      { headers: { 'x-testkit-chunks': '50' } },
    );
    let n = 0;
    for await (const _ of stream) if (++n === 3) break;
    const spans = await t.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes['autolog.stream.stopped_early']).toBe(true);
    expect(spans[0].status.code).toBe('OK');
  });

  it('reports reading a consumed stream again exactly as the SDK does', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    for await (const _ of stream) {
      // first read
    }
    const second = async () => {
      for await (const _ of stream) {
        // second read
      }
    };
    await expect(second()).rejects.toThrow(/consumed/);
    expect(await t.spans()).toHaveLength(1);
  });

  it('keeps withResponse() and asResponse() on the returned APIPromise', async () => {
    const promise = client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(promise.constructor.name).toBe('APIPromise');
    const { data, response } = await promise.withResponse();
    expect(response.status).toBe(200);
    expect(data.choices[0].message.content).toBeTruthy();
    const raw = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).asResponse();
    expect((await raw.json()).object).toBe('chat.completion');
    const spans = await t.spans();
    expect(spans).toHaveLength(2);
    expect(spans.every((s) => s.endTimeNs !== null)).toBe(true);
  });

  it('passes the very same error object through and records it', async () => {
    server.failNext({ status: 429, retryAfter: 0 });
    let caught: any;
    try {
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(OpenAI.RateLimitError);
    const [span] = await t.spans();
    expect(span.status.code).toBe('ERROR');
    expect(span.events[0].attributes['exception.type']).toBe(
      caught.constructor.name === 'RateLimitError' ? 'RateLimitError' : caught.name,
    );
    expect(span.attributes['http.response.status_code']).toBe(429);
  });

  it('records a connection error and an abort', async () => {
    const offline = new OpenAI({ apiKey: TEST_KEY, baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0 });
    await expect(offline.chat.completions.create({ model: 'gpt-4o-mini', messages })).rejects.toBeInstanceOf(
      OpenAI.APIConnectionError,
    );
    const controller = new AbortController();
    const pending = client.chat.completions.create(
      { model: 'gpt-4o-mini', messages },
      { signal: controller.signal },
    );
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    const spans = await t.spans();
    expect(spans.map((s) => s.status.code)).toEqual(['ERROR', 'ERROR']);
  });

  it('nests under the current span and records embeddings with their dimensions', async () => {
    await withSpan(
      async () => {
        await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
      },
      { name: 'rag' },
    );
    const [record] = await t.traces();
    const span = record.data.spans.find((s) => s.spanType === 'EMBEDDING')!;
    expect(span.parentId).toBe(record.data.spans[0].spanId);
    expect((span.outputs as any).data).toHaveLength(2);
    expect((span.outputs as any).data[0].dimensions).toBeGreaterThan(0);
    expect((span.attributes['mlflow.chat.tokenUsage'] as any).input_tokens).toBeGreaterThan(0);
  });

  it('records legacy completions, plain and streamed', async () => {
    const plain = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Once upon' });
    const stream = await client.completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Once upon',
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.text ?? '';
    const spans = await t.spans();
    expect(spans.map((s) => s.spanType)).toEqual(['LLM', 'LLM']);
    expect((spans[0].outputs as any).choices[0].text).toBe(plain.choices[0].text);
    expect((spans[1].outputs as any).choices[0].text).toBe(text);
    expect(spans[1].attributes['mlflow.chat.tokenUsage']).toBeDefined();
  });

  it('records responses.create, plain and streamed, with usage', async () => {
    if (!client.responses) return;
    const response = await client.responses.create({ model: 'gpt-4o-mini', input: 'Say hi' });
    const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'Say hi', stream: true });
    for await (const _ of stream) {
      // consume
    }
    const spans = await t.spans();
    expect(spans).toHaveLength(2);
    expect((spans[0].attributes['mlflow.chat.tokenUsage'] as any).input_tokens).toBe(
      response.usage.input_tokens,
    );
    expect((spans[1].attributes['mlflow.chat.tokenUsage'] as any).total_tokens).toBeGreaterThan(0);
    expect((spans[1].outputs as any).status).toBe('completed');
  });

  it('records Azure OpenAI calls with provider, deployment, API version and response model', async () => {
    if (!AzureOpenAI) return;
    const azure = azureClient(AzureOpenAI, server.azureEndpoint);
    const completion = await azure.chat.completions.create({ model: 'my-gpt4o', messages });
    const [span] = await t.spans();
    expect(span.name).toBe('AzureOpenAI.chat.completions');
    expect(span.attributes).toMatchObject({
      'mlflow.llm.provider': 'azure',
      'azure.deployment': 'my-gpt4o',
      'azure.api_version': '2024-10-21',
      'mlflow.llm.model': completion.model,
    });
    expect(JSON.stringify(t.mem.traces)).not.toContain('azure-test-key-0000');
  });
});

describe('enable and disable', () => {
  const require = createRequire(import.meta.url);

  it('patches both the CommonJS and the ESM build of the installed openai, once', async () => {
    const t = memoryTracing();
    const first = await openaiPlugin.enable();
    const second = await openaiPlugin.enable();
    expect(first.enabled).toBe(true);
    expect(second.patched).toEqual(first.patched);
    const esm = (await import('openai')).default;
    const cjs = require('openai');
    for (const OpenAI of [esm, cjs.OpenAI ?? cjs]) {
      const client = new OpenAI({ apiKey: TEST_KEY, baseURL: server.url });
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    }
    expect(await t.spans()).toHaveLength(2);
  });

  it('disable() restores the original methods', async () => {
    const t = memoryTracing();
    await openaiPlugin.enable();
    openaiPlugin.disable();
    const OpenAI = (await import('openai')).default;
    await new OpenAI({ apiKey: TEST_KEY, baseURL: server.url }).chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
    });
    expect(await t.spans()).toHaveLength(0);
    await openaiPlugin.enable();
  });
});
