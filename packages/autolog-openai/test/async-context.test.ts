/**
 * Node 20 tracks async context with hooks that, once on, slow every promise of the process. An
 * app that only autologs model calls never turns them on; a call that runs app code (a custom
 * `fetch`) still has its span current inside, and so does a call inside a traced function.
 * The tests run in order: the first one needs a process where nothing has turned the hooks on.
 */
import { executionAsyncId } from 'node:async_hooks';
import { getCurrentActiveSpan, trace } from '@autolog/core';
import { type OpenAIServer, startOpenAIServer } from '@autolog/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { autolog, disable, openaiPlugin } from '../src/index.js';
import { azureClient, clientClasses, memoryTracing, OPENAI_VERSIONS, TEST_KEY } from './helpers.js';

/** True when the process tracks async context: promise continuations then get their own ids. */
async function asyncHooksOn(): Promise<boolean> {
  await null;
  return executionAsyncId() !== 0;
}

let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer();
  await autolog();
});
afterAll(async () => {
  disable();
  await server.close();
});

const messages = [{ role: 'user' as const, content: 'hello there, how are you today?' }];

it('autologged calls alone leave async context tracking off, and are traced with their usage', async () => {
  expect(await asyncHooksOn()).toBe(false);
  const t = memoryTracing();
  const client = new OpenAI({ apiKey: TEST_KEY, baseURL: server.url, maxRetries: 0 });
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });
  for await (const _ of stream);
  await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello' });

  expect(await asyncHooksOn()).toBe(false);
  const spans = await t.spans();
  expect(spans.map((s) => s.name)).toEqual([
    'OpenAI.chat.completions',
    'OpenAI.chat.completions',
    'OpenAI.embeddings',
  ]);
  for (const span of spans)
    expect(span.attributes['mlflow.chat.tokenUsage']).toMatchObject({ input_tokens: expect.any(Number) });
});

it('on every supported openai major, OpenAI and AzureOpenAI clients alike', async () => {
  const t = memoryTracing();
  for (const { module } of OPENAI_VERSIONS) {
    expect(openaiPlugin.patchModule(module)).toBe(true);
    const { OpenAI: Client, AzureOpenAI } = clientClasses(module);
    await new Client({ apiKey: TEST_KEY, baseURL: server.url, maxRetries: 0 }).chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
    });
    await azureClient(AzureOpenAI, server.azureEndpoint, 'gpt-4o-mini').chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
    });
  }
  expect(await asyncHooksOn()).toBe(false);
  const spans = await t.spans();
  expect(spans.map((s) => s.name)).toEqual(
    OPENAI_VERSIONS.flatMap(() => ['OpenAI.chat.completions', 'AzureOpenAI.chat.completions']),
  );
});

it('a client with a custom fetch has the call span current inside it', async () => {
  const t = memoryTracing();
  const seen: Array<string | undefined> = [];
  const client = new OpenAI({
    apiKey: TEST_KEY,
    baseURL: server.url,
    maxRetries: 0,
    fetch: (url: any, init: any) => {
      seen.push(getCurrentActiveSpan()?.name);
      return fetch(url, init);
    },
  });
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
  expect(seen).toEqual(['OpenAI.chat.completions']);
  expect((await t.spans()).length).toBe(1);
});

it('a call inside a traced function is its child', async () => {
  const t = memoryTracing();
  const client = new OpenAI({ apiKey: TEST_KEY, baseURL: server.url, maxRetries: 0 });
  const answer = trace(async function answer() {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    return completion.choices[0]?.message.content;
  });
  await answer();
  const [root, child] = await t.spans();
  expect(root?.name).toBe('answer');
  expect(root?.spanId).toEqual(expect.any(String));
  expect(child?.name).toBe('OpenAI.chat.completions');
  expect(child?.parentId).toBe(root?.spanId);
  expect(child?.traceId).toBe(root?.traceId);
});
