import { type OpenAIServer, startOpenAIServer } from '@autolog/testkit';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AutologCallbackHandler, autolog, disable } from '../src/index.js';
import { byName, memoryTracing, TEST_KEY, tree } from './helpers.js';

let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer({ apiKey: TEST_KEY });
  expect((await autolog()).enabled).toBe(true);
});
afterAll(async () => {
  disable();
  await server.close();
});

const model = (fields: Record<string, unknown> = {}) =>
  new ChatOpenAI({
    apiKey: TEST_KEY,
    configuration: { baseURL: server.url },
    model: 'gpt-4o-mini',
    maxRetries: 0,
    ...fields,
  });
const prompt = ChatPromptTemplate.fromMessages([
  ['system', 'You are terse.'],
  ['human', '{question}'],
]);

describe('ChatOpenAI against the testkit server, no handler passed', () => {
  let t: ReturnType<typeof memoryTracing>;
  beforeEach(() => {
    t = memoryTracing();
  });

  it('records messages, parameters, model and token usage of a ChatOpenAI call', async () => {
    const chat = model({ temperature: 0.2 });
    const reply = await chat.invoke([['human', 'Hello there']]);
    const [tr] = await t.traces();
    expect(tree(tr)).toBe('ChatOpenAI (CHAT_MODEL)');
    const [span] = tr.data.spans;
    expect(span.inputs).toEqual({ messages: [{ role: 'user', content: 'Hello there' }] });
    expect(span.attributes['mlflow.llm.model']).toBe('gpt-4o-mini');
    expect(span.attributes['mlflow.llm.provider']).toBe('openai');
    expect(span.attributes.invocation_params).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.2 });
    expect((span.outputs as any).generations[0][0].message).toMatchObject({
      role: 'assistant',
      content: 'Echo: Hello there',
    });
    const usage = reply.usage_metadata!;
    expect(span.attributes['mlflow.chat.tokenUsage']).toEqual({
      input_tokens: usage.input_tokens,
      output_tokens: usage.output_tokens,
      total_tokens: usage.total_tokens,
    });
    expect(tr.info.traceMetadata['mlflow.trace.tokenUsage']).toBe(
      JSON.stringify(span.attributes['mlflow.chat.tokenUsage']),
    );
  });

  it('records a prompt | ChatOpenAI | parser chain as one trace', async () => {
    const answer = await prompt
      .pipe(model())
      .pipe(new StringOutputParser())
      .invoke({ question: 'What is MLflow?' });
    expect(answer).toBe('Echo: What is MLflow?');
    const [tr] = await t.traces();
    expect(tree(tr)).toBe(
      [
        'RunnableSequence (CHAIN)',
        '  ChatPromptTemplate (CHAIN)',
        '  ChatOpenAI (CHAT_MODEL)',
        '  StrOutputParser (PARSER)',
      ].join('\n'),
    );
    expect(byName(tr, 'RunnableSequence').outputs).toEqual({ output: answer });
  });

  it('records usage and time to first token of a streamed ChatOpenAI call', async () => {
    let text = '';
    let usage: any;
    for await (const chunk of await model().stream('Stream this reply')) {
      text += chunk.content;
      usage = chunk.usage_metadata ?? usage;
    }
    expect(text).toBe('Echo: Stream this reply');
    const [span] = await t.spans();
    expect(span.attributes['autolog.time_to_first_token_ms']).toBeGreaterThan(0);
    expect(span.attributes['mlflow.chat.tokenUsage']).toEqual({
      input_tokens: usage.input_tokens,
      output_tokens: usage.output_tokens,
      total_tokens: usage.total_tokens,
    });
    expect((span.outputs as any).generations[0][0].text).toBe(text);
  });

  it('records the tool definitions and the tool calls a model makes', async () => {
    const weather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, {
      name: 'get_weather',
      description: 'Weather in a city',
      schema: z.object({ city: z.string() }),
    });
    const reply = await model().bindTools([weather]).invoke('Use a tool for the weather in Paris');
    expect(reply.tool_calls).toHaveLength(1);
    const [span] = await t.spans();
    expect((span.attributes['mlflow.chat.tools'] as any[])[0]).toMatchObject({
      type: 'function',
      function: { name: 'get_weather' },
    });
    const message = (span.outputs as any).generations[0][0].message;
    expect(message.tool_calls).toEqual([
      {
        id: reply.tool_calls![0].id,
        type: 'function',
        function: { name: 'get_weather', arguments: JSON.stringify(reply.tool_calls![0].args) },
      },
    ]);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_calls']);
  });

  it('records one span per run when a handler is also passed explicitly', async () => {
    await model().invoke('explicit too', {
      callbacks: [new AutologCallbackHandler({ captureContent: false })],
    });
    const spans = await t.spans();
    expect(spans).toHaveLength(1);
    // The explicit handler comes first, so its options apply.
    expect(spans[0].inputs).toBeUndefined();
  });

  it('records an API error on the model span and rethrows it', async () => {
    server.failNext({ status: 429 });
    await expect(model().invoke('rate me')).rejects.toMatchObject({ status: 429 });
    const [span] = await t.spans();
    expect(span.status.code).toBe('ERROR');
    expect(span.events.find((e) => e.name === 'exception')).toBeDefined();
  });
});
