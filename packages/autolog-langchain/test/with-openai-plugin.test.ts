import { flushTraces, init, MemoryDestination, type TraceRecord } from '@autolog/core';
import { autolog as autologOpenAI, disable as disableOpenAI } from '@autolog/openai';
import { type OpenAIServer, startOpenAIServer } from '@autolog/testkit';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { RunnableLambda } from '@langchain/core/runnables';
import { tool } from '@langchain/core/tools';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
import { ChatOpenAI } from '@langchain/openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { autolog, disable } from '../src/index.js';
import { byName, childrenOf, memoryTracing, TEST_KEY, tree } from './helpers.js';

let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer({ apiKey: TEST_KEY });
  expect((await autolog()).enabled).toBe(true);
  expect((await autologOpenAI()).enabled).toBe(true);
});
afterAll(async () => {
  disable();
  disableOpenAI();
  await server.close();
});

const model = () =>
  new ChatOpenAI({
    apiKey: TEST_KEY,
    configuration: { baseURL: server.url },
    model: 'gpt-4o-mini',
    maxRetries: 0,
  });

/** Every model span of LangChain has exactly one OpenAI span beneath it, and no other LLM span exists. */
function expectOneProviderSpanPerModelCall(tr: TraceRecord): void {
  const models = tr.data.spans.filter((s) => s.name === 'ChatOpenAI');
  const providers = tr.data.spans.filter((s) => s.name === 'OpenAI.chat.completions');
  expect(providers).toHaveLength(models.length);
  for (const m of models) expect(childrenOf(tr, m).map((s) => s.name)).toEqual(['OpenAI.chat.completions']);
}

/** The trace's token usage equals the sum over LangChain's model spans (each call counted once). */
function expectUsageCountedOnce(tr: TraceRecord): void {
  const total = { input_tokens: 0, output_tokens: 0, total_tokens: 0 };
  for (const s of tr.data.spans.filter((x) => x.name === 'ChatOpenAI')) {
    const u = s.attributes['mlflow.chat.tokenUsage'] as typeof total;
    total.input_tokens += u.input_tokens;
    total.output_tokens += u.output_tokens;
    total.total_tokens += u.total_tokens;
  }
  expect(total.total_tokens).toBeGreaterThan(0);
  expect(JSON.parse(tr.info.traceMetadata['mlflow.trace.tokenUsage'])).toEqual(total);
}

describe('with @autolog/openai enabled too', () => {
  let t: ReturnType<typeof memoryTracing>;
  beforeEach(() => {
    t = memoryTracing();
  });

  it('nests the OpenAI span under the ChatOpenAI span: one trace, usage counted once', async () => {
    const chain = ChatPromptTemplate.fromMessages([['human', '{q}']])
      .pipe(model())
      .pipe(new StringOutputParser());
    await chain.invoke({ q: 'one call, one span' });
    const traces = await t.traces();
    expect(traces).toHaveLength(1);
    expect(tree(traces[0])).toBe(
      [
        'RunnableSequence (CHAIN)',
        '  ChatPromptTemplate (CHAIN)',
        '  ChatOpenAI (CHAT_MODEL)',
        '    OpenAI.chat.completions (CHAT_MODEL)',
        '  StrOutputParser (PARSER)',
      ].join('\n'),
    );
    expectUsageCountedOnce(traces[0]);
    // The provider span's cost is the trace's cost: the model span carries none of its own.
    expect(JSON.parse(traces[0].info.traceMetadata['mlflow.trace.cost']).total_cost).toBeGreaterThan(0);
  });

  it('nests the provider span of a streamed call too', async () => {
    for await (const _ of await model().stream('stream with both')) {
      // drain
    }
    const traces = await t.traces();
    expect(traces).toHaveLength(1);
    expect(tree(traces[0])).toBe(
      ['ChatOpenAI (CHAT_MODEL)', '  OpenAI.chat.completions (CHAT_MODEL)'].join('\n'),
    );
    expectUsageCountedOnce(traces[0]);
  });

  it('keeps each provider span with its own model span across batch() and concurrent calls', async () => {
    await model().batch(['first', 'second', 'third']);
    await Promise.all(['a', 'b', 'c', 'd'].map((q) => model().invoke(`concurrent ${q}`)));
    const traces = await t.traces();
    expect(traces).toHaveLength(7);
    for (const tr of traces) {
      expectOneProviderSpanPerModelCall(tr);
      const model = byName(tr, 'ChatOpenAI');
      const provider = byName(tr, 'OpenAI.chat.completions');
      expect((provider.inputs as any).messages[0].content).toBe((model.inputs as any).messages[0].content);
    }
  });

  it('nests an OpenAI call made directly inside a tool under the tool span', async () => {
    const client = new OpenAI({ apiKey: TEST_KEY, baseURL: server.url, maxRetries: 0 });
    const summarize = tool(
      async ({ text }: { text: string }) => {
        const r = await client.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: `summarize ${text}` }],
        });
        return r.choices[0].message.content ?? '';
      },
      { name: 'summarize', description: 'Summarizes', schema: z.object({ text: z.string() }) },
    );
    const chain = RunnableLambda.from(async (text: string) => summarize.invoke({ text })).withConfig({
      runName: 'pipeline',
    });
    await chain.invoke('a long text');
    const traces = await t.traces();
    expect(traces).toHaveLength(1);
    expect(tree(traces[0])).toBe(
      ['pipeline (CHAIN)', '  summarize (TOOL)', '    OpenAI.chat.completions (CHAT_MODEL)'].join('\n'),
    );
  });

  it('records nothing, provider calls included, for a run whose trace is sampled out', async () => {
    const mem = new MemoryDestination();
    init({ silent: true, destination: mem, sampleRate: 0 });
    const client = new OpenAI({ apiKey: TEST_KEY, baseURL: server.url, maxRetries: 0 });
    const direct = RunnableLambda.from(async (q: string) =>
      client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }] }),
    );
    await model().invoke('sampled out');
    for await (const _ of await model().stream('sampled out stream')) {
      // drain
    }
    await direct.invoke('sampled out direct');
    await flushTraces();
    expect(mem.traces).toHaveLength(0);
  });

  it('records a LangGraph ReAct agent loop as one AGENT trace with every model and tool call', async () => {
    const weather = tool(async ({ city }: { city: string }) => `It is sunny in ${city}.`, {
      name: 'get_weather',
      description: 'Current weather in a city',
      schema: z.object({ city: z.string() }),
    });
    const agent = createReactAgent({ llm: model(), tools: [weather] });
    const result = await agent.invoke(
      { messages: [{ role: 'user', content: 'Use the tool to get the weather' }] },
      { configurable: { thread_id: 'conversation-42' } },
    );
    expect(result.messages.at(-1)?.content).toBe('The tool returned: It is sunny in Paris.');
    const traces = await t.traces();
    expect(traces).toHaveLength(1);
    const tr = traces[0];
    expect(tree(tr)).toBe(
      [
        'LangGraph (AGENT)',
        '  agent (CHAIN)',
        '    RunnableSequence (CHAIN)',
        '      prompt (CHAIN)',
        '      ChatOpenAI (CHAT_MODEL)',
        '        OpenAI.chat.completions (CHAT_MODEL)',
        '    RunnableLambda (CHAIN)',
        '  tools (CHAIN)',
        '    get_weather (TOOL)',
        '  agent (CHAIN)',
        '    RunnableSequence (CHAIN)',
        '      prompt (CHAIN)',
        '      ChatOpenAI (CHAT_MODEL)',
        '        OpenAI.chat.completions (CHAT_MODEL)',
        '    RunnableLambda (CHAIN)',
      ].join('\n'),
    );
    expect(tr.info.traceMetadata['mlflow.trace.session']).toBe('conversation-42');
    expect(byName(tr, 'get_weather')).toMatchObject({
      inputs: { city: 'Paris' },
      outputs: { role: 'tool', content: 'It is sunny in Paris.' },
    });
    expectOneProviderSpanPerModelCall(tr);
    expectUsageCountedOnce(tr);
  });
});
