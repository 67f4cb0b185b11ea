import { tracingContext } from '@autolog/core';
import { type OpenAIServer, startOpenAIServer } from '@autolog/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assistantsPlugin } from '../src/index.js';
import { API_KEY, azureClient, memoryTracing, OPENAI_VERSIONS, runsOf, shape } from './helpers.js';

let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer({ apiKey: API_KEY });
});
afterAll(async () => {
  await server.close();
  assistantsPlugin.disable();
});

const version = OPENAI_VERSIONS[3];
const THREADS = 50;

it('keeps 50 concurrent threads apart, each run polled from its own async context and some from another', async () => {
  assistantsPlugin.patchModule(version.module);
  const t = memoryTracing();
  const client = azureClient(version, server);
  const runs = runsOf(version, client);
  const assistant = await client.beta.assistants.create({
    model: 'my-gpt4o',
    tools: [{ type: 'file_search' }],
  });

  // Each user starts a run in their own context…
  const started = await Promise.all(
    Array.from({ length: THREADS }, (_, i) =>
      tracingContext({ metadata: { 'mlflow.trace.user': `user-${i}` } }, async () => {
        const thread = await client.beta.threads.create();
        await client.beta.threads.messages.create(thread.id, { role: 'user', content: `question ${i}` });
        return { i, run: await client.beta.threads.runs.create(thread.id, { assistant_id: assistant.id }) };
      }),
    ),
  );
  // …and the runs are polled from shuffled contexts (a worker polling for another user).
  const shuffled = [...started].sort(() => Math.random() - 0.5);
  const finals = await Promise.all(
    shuffled.map(({ run }, k) =>
      tracingContext({ metadata: { 'mlflow.trace.user': `poller-${k}` } }, async () => {
        let current = run;
        while (['queued', 'in_progress'].includes(current.status)) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
          current = await runs.retrieve(current.thread_id, current.id);
        }
        return current;
      }),
    ),
  );
  expect(finals.every((run) => run.status === 'completed')).toBe(true);

  const traces = await t.traces();
  expect(traces).toHaveLength(THREADS);
  for (const { i, run } of started) {
    const trace = traces.find((tr) => tr.info.traceMetadata['mlflow.trace.session'] === run.thread_id)!;
    const { root, children } = shape(trace);
    expect(trace.info.clientRequestId).toBe(run.thread_id);
    expect(trace.info.traceMetadata['mlflow.trace.user']).toBe(`user-${i}`);
    expect(root.attributes['assistants.run_id']).toBe(run.id);
    expect(root.inputs).toMatchObject({
      messages: [{ role: 'user', content: `question ${i}` }],
      thread_id: run.thread_id,
    });
    expect(root.outputs).toEqual({ messages: [{ role: 'assistant', content: `Echo: question ${i}` }] });
    expect(children.map((s) => s.name)).toEqual(['file_search', 'message_creation']);
    expect(trace.data.spans.every((s) => s.traceId === trace.info.traceId)).toBe(true);
  }
});

it('keeps concurrent streamed runs apart', async () => {
  assistantsPlugin.patchModule(version.module);
  const t = memoryTracing();
  const client = azureClient(version, server);
  const assistant = await client.beta.assistants.create({ model: 'my-gpt4o' });
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      tracingContext({ metadata: { 'mlflow.trace.user': `streamer-${i}` } }, () =>
        client.beta.threads
          .createAndRunStream({
            assistant_id: assistant.id,
            thread: { messages: [{ role: 'user', content: `stream ${i}` }] },
          })
          .finalRun(),
      ),
    ),
  );
  const traces = await t.traces();
  expect(traces).toHaveLength(20);
  for (const trace of traces) {
    const i = trace.info.traceMetadata['mlflow.trace.user'].replace('streamer-', '');
    expect(shape(trace).root.outputs).toEqual({
      messages: [{ role: 'assistant', content: `Echo: stream ${i}` }],
    });
  }
});
