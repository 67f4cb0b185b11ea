import { tracingContext } from '@autolog/core';
import {
  Annotation,
  Command,
  END,
  interrupt,
  MemorySaver,
  MessagesAnnotation,
  START,
  StateGraph,
} from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import { beforeEach, describe, expect, it } from 'vitest';
import { AutologCallbackHandler } from '../src/index.js';
import { byName, memoryTracing, tree } from './helpers.js';
import { KITS } from './kits.js';

const kit = KITS[1];

describe('LangGraph', () => {
  let t: ReturnType<typeof memoryTracing>;
  let callbacks: AutologCallbackHandler[];
  beforeEach(() => {
    t = memoryTracing();
    callbacks = [new AutologCallbackHandler()];
  });

  const Counter = Annotation.Root({
    n: Annotation<number>(),
    log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  });
  const counterGraph = () =>
    new StateGraph(Counter)
      .addNode('increment', (s) => ({ n: s.n + 1, log: ['increment'] }))
      .addNode('double', (s) => ({ n: s.n * 2, log: ['double'] }))
      .addEdge(START, 'increment')
      .addConditionalEdges('increment', (s) => (s.n < 3 ? 'increment' : 'double'))
      .addEdge('double', END)
      .compile();

  it('records a StateGraph as a graph span with one span per node step, named by node', async () => {
    const result = await counterGraph().invoke({ n: 0 }, { callbacks });
    expect(result.n).toBe(6);
    const [tr] = await t.traces();
    // The router of the conditional edge runs inside the node it leaves from.
    const incrementStep = ['  increment (CHAIN)', '    RunnableLambda (CHAIN)'];
    expect(tree(tr)).toBe(
      ['LangGraph (CHAIN)', ...incrementStep, ...incrementStep, ...incrementStep, '  double (CHAIN)'].join(
        '\n',
      ),
    );
    const steps = tr.data.spans
      .filter((s) => s.name === 'increment')
      .map((s) => s.attributes['langgraph.step']);
    expect(steps).toEqual([1, 2, 3]);
    expect(byName(tr, 'double')).toMatchObject({
      inputs: { n: 3 },
      outputs: { n: 6, log: ['double'] },
      attributes: { 'langgraph.node': 'double' },
    });
    expect(byName(tr, 'LangGraph')).toMatchObject({ inputs: { n: 0 }, outputs: { n: 6 } });
  });

  it('records the internal runs LangChain hides when recordHiddenRuns is true', async () => {
    await counterGraph().invoke(
      { n: 2 },
      { callbacks: [new AutologCallbackHandler({ recordHiddenRuns: true })] },
    );
    const [tr] = await t.traces();
    expect(tr.data.spans.map((s) => s.name)).toContain('__start__');
  });

  it('uses thread_id from config.configurable as the trace session, and metadata.user_id as the user', async () => {
    await counterGraph().invoke(
      { n: 2 },
      { callbacks, configurable: { thread_id: 'thread-7' }, metadata: { user_id: 'ada' } },
    );
    const [tr] = await t.traces();
    expect(tr.info.traceMetadata['mlflow.trace.session']).toBe('thread-7');
    expect(tr.info.traceMetadata['mlflow.trace.user']).toBe('ada');
  });

  it('keeps a session the app set with tracingContext over the thread id', async () => {
    await tracingContext({ metadata: { 'mlflow.trace.session': 'app-session' } }, () =>
      counterGraph().invoke({ n: 2 }, { callbacks, configurable: { thread_id: 'thread-7' } }),
    );
    const [tr] = await t.traces();
    expect(tr.info.traceMetadata['mlflow.trace.session']).toBe('app-session');
  });

  it('records graph.stream() as one trace', async () => {
    const updates: unknown[] = [];
    for await (const update of await counterGraph().stream({ n: 1 }, { callbacks, streamMode: 'updates' }))
      updates.push(update);
    expect(updates.length).toBe(3);
    const traces = await t.traces();
    expect(traces).toHaveLength(1);
    expect(traces[0].data.spans.filter((s) => s.name === 'increment')).toHaveLength(2);
  });

  it('nests a subgraph used as a node under that node', async () => {
    const inner = new StateGraph(Counter)
      .addNode('inner_step', (s) => ({ n: s.n + 10 }))
      .addEdge(START, 'inner_step')
      .addEdge('inner_step', END)
      .compile();
    const outer = new StateGraph(Counter)
      .addNode('sub', inner)
      .addNode('finish', (s) => ({ n: s.n + 1 }))
      .addEdge(START, 'sub')
      .addEdge('sub', 'finish')
      .addEdge('finish', END)
      .compile();
    expect((await outer.invoke({ n: 0 }, { callbacks })).n).toBe(11);
    const [tr] = await t.traces();
    expect(tree(tr)).toBe(
      [
        'LangGraph (CHAIN)',
        '  sub (CHAIN)',
        '    LangGraph (CHAIN)',
        '      inner_step (CHAIN)',
        '  finish (CHAIN)',
      ].join('\n'),
    );
  });

  it('records a model-and-tools graph as an AGENT with model, tool node and tool spans', async () => {
    const model = new kit.FakeToolChatModel({ tools: [kit.searchTool] });
    const graph = new StateGraph(MessagesAnnotation)
      .addNode('model', async (s) => ({ messages: [await model.invoke(s.messages)] }))
      .addNode('tools', new ToolNode([kit.searchTool]))
      .addEdge(START, 'model')
      .addConditionalEdges('model', (s) => ((s.messages.at(-1) as any).tool_calls?.length ? 'tools' : END))
      .addEdge('tools', 'model')
      .compile({ name: 'research_agent' });
    const result = await graph.invoke(
      { messages: [{ role: 'user', content: 'search with a tool' }] },
      { callbacks },
    );
    expect(result.messages.at(-1)?.content).toBe('The tool returned: found: search with a tool');
    const [tr] = await t.traces();
    expect(tree(tr)).toBe(
      [
        'research_agent (AGENT)',
        '  model (CHAIN)',
        '    FakeToolChatModel (CHAT_MODEL)',
        '    RunnableLambda (CHAIN)',
        '  tools (CHAIN)',
        '    search (TOOL)',
        '  model (CHAIN)',
        '    FakeToolChatModel (CHAT_MODEL)',
        '    RunnableLambda (CHAIN)',
      ].join('\n'),
    );
    expect(JSON.parse(tr.info.traceMetadata['mlflow.trace.tokenUsage']).total_tokens).toBeGreaterThan(0);
  });

  it('records a failing node as ERROR on the node and the graph', async () => {
    const graph = new StateGraph(Counter)
      .addNode('fail', () => {
        throw new RangeError('out of range');
      })
      .addEdge(START, 'fail')
      .compile();
    await expect(graph.invoke({ n: 0 }, { callbacks })).rejects.toThrow('out of range');
    const [tr] = await t.traces();
    expect(tr.info.state).toBe('ERROR');
    expect(byName(tr, 'fail').status.code).toBe('ERROR');
    expect(byName(tr, 'fail').events[0].attributes['exception.type']).toBe('RangeError');
  });

  it('records an interrupt as an event, not an error', async () => {
    const graph = new StateGraph(Counter)
      .addNode('ask', (s) => ({ n: s.n + Number(interrupt('how many?')) }))
      .addEdge(START, 'ask')
      .addEdge('ask', END)
      .compile({ checkpointer: new MemorySaver() });
    const config = { callbacks, configurable: { thread_id: 'hitl-1' } };
    const paused: any = await graph.invoke({ n: 1 }, config);
    expect(paused.__interrupt__).toHaveLength(1);
    const resumed = await graph.invoke(new Command({ resume: 4 }), config);
    expect(resumed.n).toBe(5);
    const traces = await t.traces();
    expect(traces).toHaveLength(2);
    const ask = byName(traces[0], 'ask');
    expect(ask.status.code).toBe('OK');
    expect(ask.events.map((e) => e.name)).toEqual(['langgraph.bubble_up']);
    expect(traces.map((tr) => tr.info.traceMetadata['mlflow.trace.session'])).toEqual(['hitl-1', 'hitl-1']);
  });
});
