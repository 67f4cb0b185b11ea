/** The promises every integration keeps (the testkit's conformance checks), on an Assistants run (openai 7, AzureOpenAI). */
import {
  type OpenAIServer,
  type PluginHarness,
  pluginConformance,
  startOpenAIServer,
} from '@autolog/testkit';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { autolog, disable } from '../src/index.js';
import { API_KEY, azureClient, memoryTracing, OPENAI_VERSIONS } from './helpers.js';

const version = OPENAI_VERSIONS[3];
let server: OpenAIServer;
let client: any;
let assistant: any;
let t: ReturnType<typeof memoryTracing>;
beforeAll(async () => {
  server = await startOpenAIServer({ apiKey: API_KEY });
  client = azureClient(version, server);
  assistant = await client.beta.assistants.create({ model: 'my-gpt4o' });
});
afterAll(async () => {
  disable();
  await server.close();
});

const run = () =>
  client.beta.threads.createAndRunPoll(
    { assistant_id: assistant.id, thread: { messages: [{ role: 'user', content: 'hello' }] } },
    { pollIntervalMs: 1 },
  );

const harness: PluginHarness = {
  name: 'beta.threads.createAndRunPoll',
  enable: () => autolog(),
  disable,
  reset() {
    t = memoryTracing();
  },
  spans: () => t.spans(),
  call: run,
  consume: (result) => result as Promise<unknown>,
  failingCall() {
    server.failNext({ status: 500, path: /\/threads\/runs/ });
    return run();
  },
  failingErrorClass: version.module.InternalServerError,
  spanType: 'AGENT',
};

describe('conformance: Assistants createAndRunPoll', () => {
  for (const check of pluginConformance(harness)) it(check.name, check.run);
});
