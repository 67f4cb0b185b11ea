import { tracingContext, withSpan } from '@autolog/core';
import { type OpenAIServer, startOpenAIServer } from '@autolog/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assistantsPlugin, wrapAssistants } from '../src/index.js';
import { API_KEY, azureClient, memoryTracing, OPENAI_VERSIONS, openaiClient, shape } from './helpers.js';

let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer({ apiKey: API_KEY });
});
afterAll(async () => {
  await server.close();
  assistantsPlugin.disable();
});

const version = OPENAI_VERSIONS[3];

describe('options, context and clients', () => {
  let client: any;
  let t: ReturnType<typeof memoryTracing>;
  let assistant: any;

  beforeAll(async () => {
    assistantsPlugin.patchModule(version.module);
    client = azureClient(version, server);
    assistant = await client.beta.assistants.create({
      model: 'my-gpt4o',
      instructions: 'secret instructions',
      tools: [{ type: 'file_search' }],
    });
  });
  let since = 0;
  /** Requests made during the current test. */
  const requests = () => server.requests.slice(since);
  beforeEach(() => {
    t = memoryTracing();
    since = server.requests.length;
  });
  afterEach(() => {
    assistantsPlugin.configure({});
  });

  const createAndPoll = (content: string, target = client, assistantId = assistant.id) =>
    target.beta.threads.createAndRunPoll(
      { assistant_id: assistantId, thread: { messages: [{ role: 'user', content }] } },
      { pollIntervalMs: 1 },
    );

  it('records no messages, instructions or passages with captureContent: false, but keeps ids, status and usage', async () => {
    assistantsPlugin.configure({ captureContent: false });
    const run = await createAndPoll('private question');
    const trace = (await t.traces())[0];
    const { root, child } = shape(trace);
    expect(root.inputs).toEqual({ assistant_id: assistant.id, thread_id: run.thread_id });
    expect(root.outputs).toBeUndefined();
    expect(root.attributes['assistants.instructions']).toBeUndefined();
    expect((root.attributes['mlflow.chat.tokenUsage'] as any).total_tokens).toBe(run.usage.total_tokens);
    expect(child('file_search')?.outputs).toEqual([
      expect.not.objectContaining({ page_content: expect.anything() }),
    ]);
    expect(child('message_creation')?.outputs).toBeUndefined();
    expect(JSON.stringify(trace)).not.toContain('private question');
    expect(requests().some((r) => r.path.endsWith('/messages') && r.method === 'GET')).toBe(false);
  });

  it('makes no request of its own with fetchRunDetails: false', async () => {
    assistantsPlugin.configure({ fetchRunDetails: false });
    const thread = await client.beta.threads.create({
      messages: [{ role: 'user', content: 'no extra requests' }],
    });
    await client.beta.threads.runs.createAndPoll(
      thread.id,
      { assistant_id: assistant.id },
      { pollIntervalMs: 1 },
    );
    expect(
      requests().filter(
        (r) => r.path.includes('/steps') || (r.method === 'GET' && r.path.endsWith('/messages')),
      ),
    ).toEqual([]);
    const { root, children } = shape((await t.traces())[0]);
    expect(root.inputs).toMatchObject({ messages: [{ role: 'user', content: 'no extra requests' }] });
    expect(root.attributes['mlflow.chat.tokenUsage']).toBeDefined();
    expect(children).toEqual([]);
  });

  it('reads the inputs from the thread when the messages were added out of sight', async () => {
    const thread = await fetch(`${server.azureEndpoint}/openai/threads?api-version=2024-05-01-preview`, {
      method: 'POST',
      headers: { 'api-key': API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'added by another process' }] }),
    }).then((r) => r.json() as Promise<any>);
    await client.beta.threads.runs.createAndPoll(
      thread.id,
      { assistant_id: assistant.id },
      { pollIntervalMs: 1 },
    );
    expect(shape((await t.traces())[0]).root.inputs).toMatchObject({
      messages: [{ role: 'user', content: 'added by another process' }],
    });
  });

  it('nests the run under the app’s own span and puts the session on the app’s trace', async () => {
    const run = await withSpan(() => createAndPoll('inside my span'), {
      name: 'azure_assistant_query',
      spanType: 'CHAIN',
    });
    const traces = await t.traces();
    expect(traces).toHaveLength(1);
    const { root, children } = shape(traces[0]);
    expect(root.name).toBe('azure_assistant_query');
    expect(children.map((s) => [s.name, s.spanType])).toEqual([['AzureOpenAI.assistants.run', 'AGENT']]);
    expect(traces[0].info.traceMetadata['mlflow.trace.session']).toBe(run.thread_id);
  });

  it('traces nothing inside tracingContext({ enabled: false }) and leaves the run untouched', async () => {
    const run = await tracingContext({ enabled: false }, () => createAndPoll('not traced'));
    expect(run.status).toBe('completed');
    expect(await t.traces()).toHaveLength(0);
  });

  it('traces the OpenAI client too, on /v1 paths', async () => {
    const openai = openaiClient(version, server);
    const plain = await openai.beta.assistants.create({ model: 'gpt-4o-mini' });
    await createAndPoll('hello OpenAI', openai, plain.id);
    const { root } = shape((await t.traces())[0]);
    expect(root.name).toBe('OpenAI.assistants.run');
    expect(root.attributes['mlflow.llm.provider']).toBe('openai');
    expect(root.attributes['azure.deployment']).toBeUndefined();
    expect(requests().every((r) => r.path.startsWith('/v1/'))).toBe(true);
  });

  it('records Azure content filtering of the reply', async () => {
    const thread = await client.beta.threads.create({
      messages: [{ role: 'user', content: 'something harmful' }],
    });
    const run = await client.beta.threads.runs.createAndPoll(
      thread.id,
      { assistant_id: assistant.id },
      { pollIntervalMs: 1, headers: { 'x-testkit-content-filter': 'violence' } },
    );
    expect(run.status).toBe('incomplete');
    const { root, child } = shape((await t.traces())[0]);
    expect(root.attributes['azure.content_filtered']).toBe(true);
    expect((root.attributes['azure.content_filter_results'] as any).violence).toEqual({
      filtered: true,
      severity: 'high',
    });
    expect(child('message_creation')?.attributes['azure.content_filtered']).toBe(true);
  });

  it('traces one client with wrapAssistants() when the module is not patched', async () => {
    const other = OPENAI_VERSIONS[1];
    const wrapped = wrapAssistants(azureClient(other, server));
    const created = await wrapped.beta.assistants.create({ model: 'm' });
    await createAndPoll('wrapped client', wrapped, created.id);
    const unwrapped = azureClient(other, server);
    await createAndPoll('plain client', unwrapped, created.id);
    const traces = await t.traces();
    expect(traces.map((tr) => (shape(tr).root.inputs as any).messages[0].content)).toEqual([
      'wrapped client',
    ]);
  });
});
