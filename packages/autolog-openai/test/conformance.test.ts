/** The promises every integration keeps (the testkit's conformance checks), on openai 7. */
import {
  type OpenAIServer,
  type PluginHarness,
  pluginConformance,
  startOpenAIServer,
} from '@autolog/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { autolog, disable } from '../src/index.js';
import { memoryTracing, TEST_KEY } from './helpers.js';

let server: OpenAIServer;
let client: OpenAI;
let t: ReturnType<typeof memoryTracing>;
beforeAll(async () => {
  server = await startOpenAIServer();
  client = new OpenAI({ apiKey: TEST_KEY, baseURL: server.url, maxRetries: 0 });
});
afterAll(async () => {
  disable();
  await server.close();
});

const messages = [{ role: 'user' as const, content: 'hello' }];

function harness(name: string, stream: boolean): PluginHarness {
  return {
    name,
    enable: () => autolog(),
    disable,
    reset() {
      t = memoryTracing();
    },
    spans: () => t.spans(),
    call: () => client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream }),
    async consume(result) {
      const value = await (result as Promise<unknown>);
      if (stream) for await (const _ of value as AsyncIterable<unknown>);
      return value;
    },
    failingCall() {
      server.failNext({ status: 500 });
      return client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream });
    },
    failingErrorClass: OpenAI.InternalServerError,
    spanType: 'CHAT_MODEL',
  };
}

for (const [name, stream] of [
  ['chat.completions.create', false],
  ['chat.completions.create, streamed', true],
] as const) {
  describe(`conformance: ${name}`, () => {
    for (const check of pluginConformance(harness(name, stream))) it(check.name, check.run);
  });
}
