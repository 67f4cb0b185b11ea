/** The promises every integration keeps (the testkit's conformance checks), on LangChain's ChatOpenAI. */
import {
  type OpenAIServer,
  type PluginHarness,
  pluginConformance,
  startOpenAIServer,
} from '@autolog/testkit';
import { ChatOpenAI } from '@langchain/openai';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { autolog, disable } from '../src/index.js';
import { memoryTracing, TEST_KEY } from './helpers.js';

let server: OpenAIServer;
let model: ChatOpenAI;
let t: ReturnType<typeof memoryTracing>;
/** The class of the error ChatOpenAI rejects with when the server answers 500 (found once, untraced). */
let failure: new (...args: never[]) => Error;
beforeAll(async () => {
  server = await startOpenAIServer({ apiKey: TEST_KEY });
  model = new ChatOpenAI({
    apiKey: TEST_KEY,
    configuration: { baseURL: server.url },
    model: 'gpt-4o-mini',
    maxRetries: 0,
  });
  server.failNext({ status: 500 });
  const error = await model.invoke('fail').catch((err: Error) => err);
  failure = (error as Error).constructor as typeof failure;
});
afterAll(async () => {
  disable();
  await server.close();
});

const harness: PluginHarness = {
  name: 'ChatOpenAI.invoke',
  enable: () => autolog(),
  disable,
  reset() {
    t = memoryTracing();
  },
  spans: () => t.spans(),
  call: () => model.invoke('hello'),
  consume: (result) => result as Promise<unknown>,
  failingCall() {
    server.failNext({ status: 500 });
    return model.invoke('hello');
  },
  get failingErrorClass() {
    return failure;
  },
  spanType: 'CHAT_MODEL',
};

describe('conformance: ChatOpenAI.invoke', () => {
  for (const check of pluginConformance(harness)) it(check.name, check.run);
});
