import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenAIServer, startOpenAIServer } from '../src/index.js';
import { FILE_SEARCH_CONTENT } from '../src/openai/assistants-runs.js';
import { type ClientFlavor, flavors } from './clients.js';

const API_KEY = 'sk-testkit-assistants-0123456789';
const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe.each(flavors)('Assistants API with $name', (flavor: ClientFlavor) => {
  let server: OpenAIServer;
  let client: any;
  const v4 = flavor.major === 4;
  // The run methods' signatures changed in openai 5: (threadId, runId) → (runId, { thread_id }).
  const retrieve = (threadId: string, runId: string) =>
    v4
      ? client.beta.threads.runs.retrieve(threadId, runId)
      : client.beta.threads.runs.retrieve(runId, { thread_id: threadId });
  const steps = (threadId: string, runId: string, query: object = {}) =>
    v4
      ? client.beta.threads.runs.steps.list(threadId, runId, query)
      : client.beta.threads.runs.steps.list(runId, { thread_id: threadId, ...query });

  beforeAll(async () => {
    server = await startOpenAIServer({ apiKey: API_KEY });
    client = flavor.makeAzure({
      endpoint: server.azureEndpoint,
      apiKey: API_KEY,
      apiVersion: '2024-05-01-preview',
      maxRetries: 0,
    });
  });
  afterAll(() => server.close());

  it('creates, lists, updates and deletes assistants on Azure paths with api-key', async () => {
    const a = await client.beta.assistants.create({
      model: 'my-deployment',
      name: 'A',
      tools: [{ type: 'file_search' }],
    });
    const b = await client.beta.assistants.create({ model: 'my-deployment', name: 'B' });
    expect(a).toMatchObject({
      object: 'assistant',
      model: 'my-deployment',
      tools: [
        {
          type: 'file_search',
          file_search: { ranking_options: { ranker: 'default_2024_08_21', score_threshold: 0 } },
        },
      ],
    });
    const page = await client.beta.assistants.list({ limit: 1 });
    expect(page.data.map((x: any) => x.id)).toEqual([b.id]);
    expect(page.hasNextPage()).toBe(true);
    expect((await client.beta.assistants.update(a.id, { name: 'A2' })).name).toBe('A2');
    expect(await (v4 ? client.beta.assistants.del(b.id) : client.beta.assistants.delete(b.id))).toMatchObject(
      { id: b.id, deleted: true },
    );
    await expect(client.beta.assistants.retrieve(b.id)).rejects.toThrow(
      `No assistant found with id '${b.id}'.`,
    );
    const recorded = server.requests.at(-1)!;
    expect(recorded.path).toBe(`/openai/assistants/${b.id}`);
    expect(recorded.headers['api-key']).toBe('[present]');
  });

  it('moves a polled run through its states and steps, with usage at the end', async () => {
    const assistant = await client.beta.assistants.create({
      model: 'gpt-4o',
      instructions: 'Be brief.',
      tools: [{ type: 'file_search' }],
      tool_resources: { file_search: { vector_store_ids: ['vs_docs'] } },
    });
    const thread = await client.beta.threads.create({
      messages: [{ role: 'user', content: 'Where is it?' }],
    });
    let run = await client.beta.threads.runs.create(thread.id, { assistant_id: assistant.id });
    const seen = [run.status];
    await expect(
      client.beta.threads.messages.create(thread.id, { role: 'user', content: 'more' }),
    ).rejects.toThrow(`while a run ${run.id} is active`);
    while (!['completed', 'failed'].includes(run.status)) {
      run = await retrieve(thread.id, run.id);
      seen.push(run.status);
    }
    expect(seen).toEqual(['queued', 'in_progress', 'in_progress', 'in_progress', 'completed']);
    expect(run.usage.total_tokens).toBe(run.usage.prompt_tokens + run.usage.completion_tokens);
    const list = await steps(thread.id, run.id, { order: 'asc' });
    expect(list.data.map((s: any) => [s.type, s.status])).toEqual([
      ['tool_calls', 'completed'],
      ['message_creation', 'completed'],
    ]);
    const search = list.data[0].step_details.tool_calls[0];
    expect(search.file_search.results[0]).toEqual({
      file_id: 'file-docs0',
      file_name: 'vs_docs-doc-1.md',
      score: 0.92,
    });
    const withContent = await steps(thread.id, run.id, { order: 'asc', include: [FILE_SEARCH_CONTENT] });
    expect(withContent.data[0].step_details.tool_calls[0].file_search.results[0].content[0].text).toBe(
      'Passage 1 of vs_docs about: Where is it?',
    );
    const messages = await client.beta.threads.messages.list(thread.id, { run_id: run.id });
    expect(messages.data.map((m: any) => [m.role, m.content[0].text.value, m.status])).toEqual([
      ['assistant', 'Echo: Where is it?', 'completed'],
    ]);
  });

  it('waits in requires_action for tool outputs, rejects wrong ones, then answers with them', async () => {
    const assistant = await client.beta.assistants.create({ model: 'gpt-4o', tools: [weatherTool] });
    const run = await client.beta.threads.createAndRunPoll(
      {
        assistant_id: assistant.id,
        thread: { messages: [{ role: 'user', content: 'use the tool for Paris' }] },
      },
      { pollIntervalMs: 1 },
    );
    expect(run.status).toBe('requires_action');
    const [call] = run.required_action.submit_tool_outputs.tool_calls;
    expect(call.function).toMatchObject({ name: 'get_weather', arguments: '{"city":"Paris"}' });
    const submit = (outputs: object[]) =>
      v4
        ? client.beta.threads.runs.submitToolOutputsAndPoll(
            run.thread_id,
            run.id,
            { tool_outputs: outputs },
            { pollIntervalMs: 1 },
          )
        : client.beta.threads.runs.submitToolOutputsAndPoll(
            run.id,
            { thread_id: run.thread_id, tool_outputs: outputs },
            { pollIntervalMs: 1 },
          );
    await expect(submit([])).rejects.toThrow('Expected tool outputs for call_ids');
    const done = await submit([{ tool_call_id: call.id, output: 'sunny' }]);
    expect(done.status).toBe('completed');
    const messages = await client.beta.threads.messages.list(run.thread_id);
    expect(messages.data[0].content[0].text.value).toBe('The tool returned: sunny');
    const fn = (await steps(run.thread_id, run.id)).data.find((s: any) => s.type === 'tool_calls');
    expect(fn.step_details.tool_calls[0].function.output).toBe('sunny');
  });

  it('cancels a run (cancelling, then cancelled) and refuses to cancel it again', async () => {
    const assistant = await client.beta.assistants.create({ model: 'gpt-4o' });
    const thread = await client.beta.threads.create({ messages: [{ role: 'user', content: 'hi' }] });
    const run = await client.beta.threads.runs.create(thread.id, { assistant_id: assistant.id });
    const cancel = () =>
      v4
        ? client.beta.threads.runs.cancel(thread.id, run.id)
        : client.beta.threads.runs.cancel(run.id, { thread_id: thread.id });
    expect((await cancel()).status).toBe('cancelling');
    expect((await retrieve(thread.id, run.id)).status).toBe('cancelled');
    await expect(cancel()).rejects.toThrow("Cannot cancel run with status 'cancelled'.");
  });

  it('streams a run as Assistants events that the SDK’s AssistantStream accumulates', async () => {
    const assistant = await client.beta.assistants.create({
      model: 'gpt-4o',
      tools: [{ type: 'code_interpreter' }],
    });
    const stream = client.beta.threads.createAndRunStream({
      assistant_id: assistant.id,
      thread: { messages: [{ role: 'user', content: 'calculate this' }] },
    });
    const events: string[] = [];
    let text = '';
    stream.on('event', (e: any) => events.push(e.event));
    stream.on('textDelta', (d: any) => (text += d.value));
    const run = await stream.finalRun();
    expect(run.status).toBe('completed');
    expect(text).toBe('Echo: calculate this');
    expect(events.slice(0, 4)).toEqual([
      'thread.created',
      'thread.run.created',
      'thread.run.queued',
      'thread.run.in_progress',
    ]);
    expect(events).toContain('thread.run.step.delta');
    expect(events.slice(-3)).toEqual([
      'thread.message.completed',
      'thread.run.step.completed',
      'thread.run.completed',
    ]);
    expect(server.requests.at(-1)!.response).toMatchObject({ stream: true, finished: true });
  });

  it('ends runs failed, expired or incomplete as the outcome knob or max_completion_tokens say', async () => {
    const assistant = await client.beta.assistants.create({ model: 'gpt-4o' });
    const runWith = (body: object, headers: Record<string, string> = {}) =>
      client.beta.threads.createAndRunPoll(
        {
          assistant_id: assistant.id,
          thread: { messages: [{ role: 'user', content: 'one two three four' }] },
          ...body,
        },
        { pollIntervalMs: 1, headers },
      );
    const failed = await runWith({}, { 'x-testkit-run-outcome': 'failed' });
    expect(failed).toMatchObject({
      status: 'failed',
      last_error: { code: 'server_error', message: 'Sorry, something went wrong.' },
    });
    expect((await runWith({ metadata: { testkit_run_outcome: 'expired' } })).status).toBe('expired');
    const cut = await runWith({ max_completion_tokens: 2 });
    expect(cut).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_completion_tokens' },
    });
    const [message] = (await client.beta.threads.messages.list(cut.thread_id)).data;
    expect(message).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_tokens' } });
  });
});
