import { flushTraces, init } from '@autolog/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { AutologCallbackHandler } from '../src/index.js';
import { openRunCount, STALE_RUN_MS, sweep } from '../src/run-registry.js';
import { memoryTracing } from './helpers.js';
import { KITS } from './kits.js';

const kit = KITS[1];
const { RunnableLambda, RunnableSequence } = kit.runnables;

describe('many runs', () => {
  let t: ReturnType<typeof memoryTracing>;
  const handler = new AutologCallbackHandler();
  beforeEach(() => {
    t = memoryTracing();
  });

  it('keeps 100 concurrent runs each in its own trace, with no span in the wrong trace', async () => {
    const chain = RunnableSequence.from([
      RunnableLambda.from(async (x: { id: number }) => {
        await new Promise((r) => setTimeout(r, Math.random() * 5));
        return x;
      }).withConfig({ runName: 'prepare' }),
      kit.prompts.ChatPromptTemplate.fromMessages([['human', 'request {id}']]),
      new kit.FakeToolChatModel(),
      new kit.parsers.StringOutputParser(),
    ]);
    const ids = Array.from({ length: 100 }, (_, i) => i);
    const answers = await Promise.all(ids.map((id) => chain.invoke({ id }, { callbacks: [handler] })));
    expect(answers).toEqual(ids.map((id) => `Echo: request ${id}`));
    const traces = await t.traces();
    expect(traces).toHaveLength(100);
    for (const tr of traces) {
      expect(tr.data.spans).toHaveLength(5);
      const id = (tr.data.spans[0].inputs as any).id;
      for (const span of tr.data.spans) {
        expect(span.traceId).toBe(tr.info.traceId);
        expect(JSON.stringify([span.inputs, span.outputs])).not.toMatch(
          new RegExp(`request (?!${id}\\b)\\d+`),
        );
      }
      const model = tr.data.spans.find((s) => s.spanType === 'CHAT_MODEL')!;
      expect((model.inputs as any).messages[0].content).toBe(`request ${id}`);
    }
    expect(openRunCount()).toBe(0);
  });

  it('keeps no state for finished runs over 15,000 runs, failed ones included', async () => {
    const chain = RunnableSequence.from([
      RunnableLambda.from((x: number) => x + 1),
      RunnableLambda.from((x: number) => {
        if (x % 1000 === 1) throw new Error(`bad ${x}`);
        return x * 2;
      }),
    ]);
    // Counts what arrives instead of keeping it (the memory destination dedupes by id, O(n) per trace).
    const seen = { traces: 0, errors: 0 };
    init({
      silent: true,
      destination: {
        name: 'count',
        export: (batch) => {
          seen.traces += batch.length;
          seen.errors += batch.filter((tr) => tr.info.state === 'ERROR').length;
        },
      },
    });
    // 5,000 invocations of a two-step sequence: 15,000 runs.
    let maxOpen = 0;
    for (let i = 0; i < 5_000; i++) {
      await chain.invoke(i, { callbacks: [handler] }).catch(() => undefined);
      maxOpen = Math.max(maxOpen, openRunCount());
    }
    expect(maxOpen).toBe(0);
    await flushTraces();
    expect(seen).toEqual({ traces: 5_000, errors: 5 });
  }, 120_000);

  it('ends and forgets the runs of a stream abandoned mid-way once they are stale', async () => {
    const chain = RunnableSequence.from([
      kit.prompts.ChatPromptTemplate.fromMessages([['human', '{q}']]),
      new kit.FakeToolChatModel(),
      new kit.parsers.StringOutputParser(),
    ]);
    for await (const _ of await chain.stream({ q: 'several words to stream here' }, { callbacks: [handler] }))
      break;
    // LangChain reports no end for the runs of a stream the consumer stopped reading.
    expect(openRunCount()).toBe(3);
    sweep(performance.now() + STALE_RUN_MS - 1000);
    expect(openRunCount()).toBe(3);
    sweep(performance.now() + STALE_RUN_MS + 1000);
    expect(openRunCount()).toBe(0);
    const [tr] = await t.traces();
    expect(
      tr.data.spans.filter((s) => s.attributes['autolog.unfinished'] === true).map((s) => s.name),
    ).toEqual(['RunnableSequence', 'FakeToolChatModel', 'StrOutputParser']);
    expect(tr.data.spans.every((s) => s.endTimeNs !== null)).toBe(true);
  });
});
