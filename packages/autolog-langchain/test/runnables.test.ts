import { trace, tracingContext, withSpan } from '@autolog/core';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { AutologCallbackHandler, langchainPlugin } from '../src/index.js';
import { byName, childrenOf, memoryTracing, tree } from './helpers.js';
import { KITS } from './kits.js';

afterAll(() => langchainPlugin.disable());

describe.each(KITS)('$label ($version)', (kit) => {
  const { RunnableLambda, RunnableSequence } = kit.runnables;
  const { ChatPromptTemplate } = kit.prompts;
  const { StringOutputParser } = kit.parsers;
  let t: ReturnType<typeof memoryTracing>;
  let callbacks: AutologCallbackHandler[];
  beforeEach(() => {
    t = memoryTracing();
    callbacks = [new AutologCallbackHandler()];
  });

  const prompt = () =>
    ChatPromptTemplate.fromMessages([
      ['system', 'You are terse.'],
      ['human', '{question}'],
    ]);

  it('records prompt | model | parser as one trace that mirrors the sequence', async () => {
    const chain = prompt().pipe(new kit.FakeToolChatModel()).pipe(new StringOutputParser());
    const answer = await chain.invoke({ question: 'What is tracing?' }, { callbacks });
    expect(answer).toBe('Echo: What is tracing?');
    const [tr] = await t.traces();
    expect(tree(tr)).toBe(
      [
        'RunnableSequence (CHAIN)',
        '  ChatPromptTemplate (CHAIN)',
        '  FakeToolChatModel (CHAT_MODEL)',
        '  StrOutputParser (PARSER)',
      ].join('\n'),
    );
    const root = byName(tr, 'RunnableSequence');
    expect(root.inputs).toEqual({ question: 'What is tracing?' });
    expect(root.outputs).toEqual({ output: answer });
    expect(byName(tr, 'ChatPromptTemplate').outputs).toEqual({
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'What is tracing?' },
      ],
    });
    const model = byName(tr, 'FakeToolChatModel');
    expect(model.inputs).toEqual({
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'What is tracing?' },
      ],
    });
    expect((model.outputs as any).generations[0][0]).toMatchObject({
      text: answer,
      message: { role: 'assistant', content: answer },
    });
    expect(model.attributes.invocation_params).toEqual({ model: 'fake-model-1', temperature: 0 });
    expect(model.attributes['mlflow.llm.model']).toBe('fake-model-1-2025');
    expect(model.attributes['mlflow.chat.tokenUsage']).toEqual({
      input_tokens: 6,
      output_tokens: 4,
      total_tokens: 10,
    });
    expect(tr.info.traceMetadata['mlflow.trace.tokenUsage']).toBe(
      JSON.stringify({ input_tokens: 6, output_tokens: 4, total_tokens: 10 }),
    );
    expect(tr.info.tags['mlflow.traceName']).toBe('RunnableSequence');
    expect(tr.info.state).toBe('OK');
  });

  it('nests runnables under their parent runs, named by run name', async () => {
    const double = RunnableLambda.from((x: number) => x * 2).withConfig({ runName: 'double' });
    const inner = RunnableSequence.from([
      double,
      RunnableLambda.from((x: number) => x + 1).withConfig({ runName: 'increment' }),
    ]).withConfig({ runName: 'inner' });
    const outer = RunnableLambda.from(async (x: number) => inner.invoke(x)).withConfig({ runName: 'outer' });
    expect(await outer.invoke(5, { callbacks })).toBe(11);
    const [tr] = await t.traces();
    expect(tree(tr)).toBe(
      ['outer (CHAIN)', '  inner (CHAIN)', '    double (CHAIN)', '    increment (CHAIN)'].join('\n'),
    );
    expect(byName(tr, 'double').inputs).toEqual({ input: 5 });
    expect(byName(tr, 'increment').outputs).toEqual({ output: 11 });
  });

  it('records a text LLM as an LLM span with its prompt and usage from llmOutput', async () => {
    await new (kit.FakeTextLLM as any)({}).invoke('Once upon a time', { callbacks });
    const [span] = await t.spans();
    expect(span).toMatchObject({
      name: 'FakeTextLLM',
      spanType: 'LLM',
      inputs: { prompts: ['Once upon a time'] },
    });
    expect((span.outputs as any).generations[0][0]).toMatchObject({ text: 'Completed: Once upon a time' });
    expect(span.attributes['mlflow.chat.tokenUsage']).toEqual({
      input_tokens: 3,
      output_tokens: 2,
      total_tokens: 5,
    });
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
  });

  it('records a retriever with its query and documents with metadata', async () => {
    const retriever = new kit.FakeRetriever();
    await retriever.invoke('vector search', { callbacks });
    const [span] = await t.spans();
    expect(span.spanType).toBe('RETRIEVER');
    expect(span.name).toBe('FakeRetriever');
    expect(span.inputs).toEqual({ query: 'vector search' });
    expect(span.outputs).toEqual([
      { page_content: 'About vector search', metadata: { source: 'kb/1.md', score: 0.9 } },
      { page_content: 'Unrelated', metadata: { source: 'kb/2.md', score: 0.1 } },
    ]);
  });

  it('records a tool with its arguments and result', async () => {
    await kit.searchTool.invoke({ query: 'weather' }, { callbacks });
    const [span] = await t.spans();
    expect(span).toMatchObject({
      name: 'search',
      spanType: 'TOOL',
      inputs: { query: 'weather' },
      outputs: 'found: weather',
    });
  });

  it('records a tool called with a tool call, with the call id and the tool message', async () => {
    await kit.searchTool.invoke(
      { id: 'call_9', name: 'search', args: { query: 'x' }, type: 'tool_call' },
      { callbacks },
    );
    const [span] = await t.spans();
    expect(span.attributes['gen_ai.tool.call.id']).toBe('call_9');
    expect(span.outputs).toMatchObject({ role: 'tool', content: 'found: x', tool_call_id: 'call_9' });
  });

  it('records a hand-rolled agent loop as an AGENT span with actions and finish as events', async () => {
    const model = new kit.FakeToolChatModel({ tools: [kit.searchTool] });
    const { HumanMessage, ToolMessage } = kit.messages;
    class TinyAgent extends kit.runnables.Runnable {
      lc_namespace = ['test', 'agents'];
      async invoke(input: string, options?: any) {
        return (this as any)._callWithConfig(
          async (question: string, _config: unknown, runManager: any) => {
            const messages: any[] = [new HumanMessage(question)];
            for (let step = 0; step < 3; step++) {
              const reply = await model.invoke(messages, { callbacks: runManager?.getChild() });
              messages.push(reply);
              if (!reply.tool_calls?.length) {
                await runManager?.handleAgentEnd({ returnValues: { output: reply.content }, log: 'done' });
                return reply.content;
              }
              for (const call of reply.tool_calls) {
                await runManager?.handleAgentAction({
                  tool: call.name,
                  toolInput: call.args,
                  log: `calling ${call.name}`,
                });
                const result = await kit.searchTool.invoke(call.args, { callbacks: runManager?.getChild() });
                messages.push(new ToolMessage({ content: result, tool_call_id: call.id }));
              }
            }
            return 'gave up';
          },
          input,
          options,
        );
      }
    }
    const answer = await new TinyAgent().invoke('use a tool to find tracing', { callbacks });
    expect(answer).toBe('The tool returned: found: use a tool to find tracing');
    const [tr] = await t.traces();
    expect(tree(tr)).toBe(
      [
        'TinyAgent (AGENT)',
        '  FakeToolChatModel (CHAT_MODEL)',
        '  search (TOOL)',
        '  FakeToolChatModel (CHAT_MODEL)',
      ].join('\n'),
    );
    const agent = byName(tr, 'TinyAgent');
    expect(agent.events.map((e) => e.name)).toEqual(['agent_action', 'agent_finish']);
    expect(agent.events[0].attributes).toMatchObject({
      tool: 'search',
      tool_input: { query: 'use a tool to find tracing' },
    });
    const firstModel = childrenOf(tr, agent)[0];
    expect((firstModel.outputs as any).generations[0][0].message.tool_calls).toEqual([
      {
        id: 'call_1',
        type: 'function',
        function: { name: 'search', arguments: JSON.stringify({ query: 'use a tool to find tracing' }) },
      },
    ]);
    const usage = JSON.parse(tr.info.traceMetadata['mlflow.trace.tokenUsage']);
    expect(usage.total_tokens).toBeGreaterThan(0);
  });

  it('records a failing run with status ERROR and the exception, and rethrows the same error', async () => {
    const boom = new TypeError('bad input');
    const chain = RunnableSequence.from([
      RunnableLambda.from((x: string) => x),
      RunnableLambda.from(() => {
        throw boom;
      }).withConfig({ runName: 'explode' }),
    ]);
    await expect(chain.invoke('x', { callbacks })).rejects.toBe(boom);
    const [tr] = await t.traces();
    expect(tr.info.state).toBe('ERROR');
    const span = byName(tr, 'explode');
    expect(span.status.code).toBe('ERROR');
    expect(span.events[0]).toMatchObject({
      name: 'exception',
      attributes: { 'exception.type': 'TypeError', 'exception.message': 'bad input' },
    });
  });

  it('records a failing model call on the model span', async () => {
    const chain = prompt().pipe(new kit.FakeToolChatModel({ fail: true }));
    await expect(chain.invoke({ question: 'q' }, { callbacks })).rejects.toThrow('model is down');
    const [tr] = await t.traces();
    expect(byName(tr, 'FakeToolChatModel').status).toMatchObject({
      code: 'ERROR',
      message: 'Error: model is down',
    });
  });

  it('records stream() as one trace with the streamed output and time to first token', async () => {
    const chain = prompt().pipe(new kit.FakeToolChatModel()).pipe(new StringOutputParser());
    let text = '';
    for await (const chunk of await chain.stream({ question: 'stream please' }, { callbacks })) text += chunk;
    expect(text).toBe('Echo: stream please');
    const traces = await t.traces();
    expect(traces).toHaveLength(1);
    const model = byName(traces[0], 'FakeToolChatModel');
    expect(model.attributes['autolog.time_to_first_token_ms']).toBeGreaterThan(0);
    expect(model.attributes['mlflow.chat.tokenUsage']).toMatchObject({ output_tokens: 3 });
    expect(byName(traces[0], 'RunnableSequence').outputs).toEqual({ output: text });
  });

  it('records streamEvents() runs like invoke', async () => {
    const chain = prompt().pipe(new kit.FakeToolChatModel()).pipe(new StringOutputParser());
    const kinds = new Set<string>();
    for await (const event of chain.streamEvents({ question: 'events' }, { version: 'v2', callbacks }))
      kinds.add(event.event);
    expect(kinds).toContain('on_chat_model_stream');
    const traces = await t.traces();
    expect(traces).toHaveLength(1);
    expect(tree(traces[0])).toBe(
      [
        'RunnableSequence (CHAIN)',
        '  ChatPromptTemplate (CHAIN)',
        '  FakeToolChatModel (CHAT_MODEL)',
        '  StrOutputParser (PARSER)',
      ].join('\n'),
    );
  });

  it('records batch() as one trace per input', async () => {
    const chain = prompt().pipe(new kit.FakeToolChatModel()).pipe(new StringOutputParser());
    const answers = await chain.batch([{ question: 'a' }, { question: 'b' }, { question: 'c' }], {
      callbacks,
    });
    const traces = await t.traces();
    expect(traces).toHaveLength(3);
    expect(answers).toEqual(['Echo: a', 'Echo: b', 'Echo: c']);
    expect(traces.map((tr) => (tr.data.spans[0].inputs as any).question).sort()).toEqual(['a', 'b', 'c']);
    for (const tr of traces) {
      expect(tr.data.spans).toHaveLength(4);
      const question = (tr.data.spans[0].inputs as any).question;
      expect((byName(tr, 'FakeToolChatModel').outputs as any).generations[0][0].text).toBe(
        `Echo: ${question}`,
      );
    }
  });

  it('makes a chain called inside withSpan or a trace()d function a child of that span', async () => {
    const chain = RunnableLambda.from((x: string) => x.length).withConfig({ runName: 'measure' });
    const handle = trace(async (text: string) => chain.invoke(text, { callbacks }), {
      name: 'handle',
      spanType: 'CHAIN',
    });
    await withSpan(() => handle('hello'), { name: 'request' });
    const [tr] = await t.traces();
    expect(tree(tr)).toBe(['request (UNKNOWN)', '  handle (CHAIN)', '    measure (CHAIN)'].join('\n'));
  });

  it('nests spans started inside a RunnableLambda under the lambda run', async () => {
    const lookup = trace((key: string) => `value of ${key}`, { name: 'lookup', spanType: 'TOOL' });
    const chain = RunnableSequence.from([
      RunnableLambda.from((x: string) => lookup(x)).withConfig({ runName: 'step' }),
      RunnableLambda.from((x: string) => x.toUpperCase()),
    ]);
    await chain.invoke('k', { callbacks });
    const traces = await t.traces();
    expect(traces).toHaveLength(1);
    expect(tree(traces[0])).toBe(
      ['RunnableSequence (CHAIN)', '  step (CHAIN)', '    lookup (TOOL)', '  RunnableLambda (CHAIN)'].join(
        '\n',
      ),
    );
  });

  it('records nothing inside tracingContext({ enabled: false })', async () => {
    const chain = prompt().pipe(new kit.FakeToolChatModel());
    await tracingContext({ enabled: false }, () => chain.invoke({ question: 'quiet' }, { callbacks }));
    expect(await t.traces()).toHaveLength(0);
  });

  it('records no content when captureContent is false, but keeps names, types and usage', async () => {
    const chain = prompt().pipe(new kit.FakeToolChatModel());
    await chain.invoke(
      { question: 'secret' },
      { callbacks: [new AutologCallbackHandler({ captureContent: false })] },
    );
    const spans = await t.spans();
    expect(spans).toHaveLength(3);
    for (const span of spans) {
      expect(span.inputs).toBeUndefined();
      expect(span.outputs).toBeUndefined();
    }
    expect(JSON.stringify(spans)).not.toContain('secret');
    expect(
      spans.find((s) => s.spanType === 'CHAT_MODEL')?.attributes['mlflow.chat.tokenUsage'],
    ).toBeDefined();
  });

  it('traces without a handler once the plugin patched this version', async () => {
    expect(langchainPlugin.patchCopy(kit.modules, kit.version)).toBe(true);
    try {
      const chain = prompt().pipe(new kit.FakeToolChatModel()).pipe(new StringOutputParser());
      await chain.invoke({ question: 'global' });
      const [tr] = await t.traces();
      expect(tr.data.spans.map((s) => s.name)).toEqual([
        'RunnableSequence',
        'ChatPromptTemplate',
        'FakeToolChatModel',
        'StrOutputParser',
      ]);
      // An explicit handler and the global one: still one span per run.
      await chain.invoke({ question: 'both' }, { callbacks });
      expect((await t.traces())[1].data.spans).toHaveLength(4);
    } finally {
      langchainPlugin.disable();
    }
  });
});
