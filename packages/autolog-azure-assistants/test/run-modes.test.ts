import { type OpenAIServer, startOpenAIServer } from '@autolog/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assistantsPlugin } from '../src/index.js';
import {
  API_KEY,
  azureClient,
  memoryTracing,
  OPENAI_VERSIONS,
  pollUntilSettled,
  runsOf,
  shape,
} from './helpers.js';

let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer({ apiKey: API_KEY });
});
afterAll(async () => {
  await server.close();
  assistantsPlugin.disable();
});

describe.each(OPENAI_VERSIONS)('every way of running on $label', (version) => {
  let client: any;
  let t: ReturnType<typeof memoryTracing>;
  let assistant: any;

  beforeAll(async () => {
    expect(assistantsPlugin.patchModule(version.module)).toBe(true);
    client = azureClient(version, server);
    assistant = await client.beta.assistants.create({
      model: 'my-gpt4o',
      instructions: 'Answer briefly.',
      tools: [{ type: 'file_search' }],
    });
  });
  beforeEach(() => {
    t = memoryTracing();
  });

  const ask = async (content: string) => {
    const thread = await client.beta.threads.create();
    await client.beta.threads.messages.create(thread.id, { role: 'user', content });
    return thread;
  };

  it('traces runs.create followed by the app’s own runs.retrieve polling as one AGENT trace', async () => {
    const thread = await ask('What wells are on the project?');
    const created = await client.beta.threads.runs.create(thread.id, { assistant_id: assistant.id });
    const run = await pollUntilSettled(version, client, created);
    expect(run.status).toBe('completed');
    const [trace] = await t.traces();
    const { root, child } = shape(trace);
    expect(root.spanType).toBe('AGENT');
    expect(root.name).toBe('AzureOpenAI.assistants.run');
    expect(root.inputs).toEqual({
      messages: [{ role: 'user', content: 'What wells are on the project?' }],
      assistant_id: assistant.id,
      thread_id: thread.id,
    });
    expect(root.outputs).toEqual({
      messages: [{ role: 'assistant', content: 'Echo: What wells are on the project?' }],
    });
    expect(root.attributes['mlflow.chat.tokenUsage']).toEqual({
      input_tokens: run.usage.prompt_tokens,
      output_tokens: run.usage.completion_tokens,
      total_tokens: run.usage.total_tokens,
    });
    expect(root.attributes['assistants.status']).toBe('completed');
    expect(root.attributes['azure.deployment']).toBe('my-gpt4o');
    expect(child('file_search')?.spanType).toBe('RETRIEVER');
    expect(child('message_creation')?.spanType).toBe('CHAT_MODEL');
    expect(trace.info.traceMetadata['mlflow.trace.session']).toBe(thread.id);
    expect(trace.info.clientRequestId).toBe(thread.id);
  });

  it('traces createAndPoll and poll', async () => {
    const thread = await ask('first question');
    const run = await client.beta.threads.runs.createAndPoll(
      thread.id,
      { assistant_id: assistant.id },
      { pollIntervalMs: 1 },
    );
    await client.beta.threads.messages.create(thread.id, { role: 'user', content: 'second question' });
    const started = await client.beta.threads.runs.create(thread.id, { assistant_id: assistant.id });
    const polled = await runsOf(version, client).poll(thread.id, started.id);
    expect([run.status, polled.status]).toEqual(['completed', 'completed']);
    const traces = await t.traces();
    expect(traces).toHaveLength(2);
    expect(traces.map((tr) => (shape(tr).root.inputs as any).messages[0].content).sort()).toEqual([
      'first question',
      'second question',
    ]);
    expect(traces.every((tr) => tr.info.traceMetadata['mlflow.trace.session'] === thread.id)).toBe(true);
  });

  it('traces threads.createAndRun and createAndRunPoll with the thread’s messages as inputs', async () => {
    const body = {
      assistant_id: assistant.id,
      thread: { messages: [{ role: 'user', content: 'created and run' }] },
    };
    const created = await client.beta.threads.createAndRun(body);
    await pollUntilSettled(version, client, created);
    const polled = await client.beta.threads.createAndRunPoll(body, { pollIntervalMs: 1 });
    const traces = await t.traces();
    expect(traces).toHaveLength(2);
    for (const trace of traces) {
      const { root } = shape(trace);
      expect((root.inputs as any).messages).toEqual([{ role: 'user', content: 'created and run' }]);
      expect(root.outputs).toEqual({ messages: [{ role: 'assistant', content: 'Echo: created and run' }] });
    }
    expect(traces[1].info.traceMetadata['mlflow.trace.session']).toBe(polled.thread_id);
  });

  it('traces runs.stream from its event stream, without extra requests', async () => {
    const thread = await ask('stream please');
    const before = server.requests.length;
    const stream = client.beta.threads.runs.stream(thread.id, { assistant_id: assistant.id });
    let text = '';
    stream.on('textDelta', (delta: any) => {
      text += delta.value;
    });
    const run = await stream.finalRun();
    expect(text).toBe('Echo: stream please');
    const [trace] = await t.traces();
    expect(server.requests.length - before).toBe(1);
    const { root, child } = shape(trace);
    expect(root.attributes['autolog.stream']).toBe(true);
    expect(root.attributes['autolog.time_to_first_token_ms']).toBeGreaterThan(0);
    expect(root.outputs).toEqual({ messages: [{ role: 'assistant', content: text }] });
    expect((root.attributes['mlflow.chat.tokenUsage'] as any).total_tokens).toBe(run.usage.total_tokens);
    expect(child('message_creation')).toBeDefined();
  });

  it('traces createAndStream and createAndRunStream', async () => {
    const thread = await ask('old style stream');
    await client.beta.threads.runs.createAndStream(thread.id, { assistant_id: assistant.id }).finalRun();
    await client.beta.threads
      .createAndRunStream({
        assistant_id: assistant.id,
        thread: { messages: [{ role: 'user', content: 'new thread stream' }] },
      })
      .finalRun();
    const traces = await t.traces();
    expect(traces.map((tr) => shape(tr).root.outputs)).toEqual([
      { messages: [{ role: 'assistant', content: 'Echo: old style stream' }] },
      { messages: [{ role: 'assistant', content: 'Echo: new thread stream' }] },
    ]);
    expect(traces[1].info.traceMetadata['mlflow.trace.session']).toMatch(/^thread_/);
  });

  it('ends a cancelled run’s trace at cancelled, with status OK and the cancel recorded', async () => {
    const thread = await ask('cancel me');
    const created = await client.beta.threads.runs.create(thread.id, { assistant_id: assistant.id });
    const cancelling = await runsOf(version, client).cancel(thread.id, created.id);
    expect(cancelling.status).toBe('cancelling');
    const run = await pollUntilSettled(version, client, cancelling);
    expect(run.status).toBe('cancelled');
    const [trace] = await t.traces();
    const { root } = shape(trace);
    expect(root.attributes['assistants.status']).toBe('cancelled');
    expect(root.status.code).toBe('OK');
    expect(root.events.map((e) => e.name)).toEqual(
      expect.arrayContaining(['assistants.cancel_requested', 'assistants.run.cancelled']),
    );
  });

  it('marks a failed run ERROR with its last_error, and an expired one ERROR', async () => {
    const thread = await ask('this will fail');
    const failed = await client.beta.threads.runs.createAndPoll(
      thread.id,
      { assistant_id: assistant.id },
      { pollIntervalMs: 1, headers: { 'x-testkit-run-outcome': 'failed:rate_limit_exceeded' } },
    );
    expect(failed.status).toBe('failed');
    const other = await ask('this will expire');
    const expired = await client.beta.threads.runs.createAndPoll(
      other.id,
      { assistant_id: assistant.id, metadata: { testkit_run_outcome: 'expired' } },
      { pollIntervalMs: 1 },
    );
    expect(expired.status).toBe('expired');
    const [a, b] = (await t.traces()).map((tr) => shape(tr).root);
    expect(a.status).toEqual({ code: 'ERROR', message: `rate_limit_exceeded: ${failed.last_error.message}` });
    expect(a.attributes['assistants.last_error']).toEqual(failed.last_error);
    expect(b.status).toEqual({ code: 'ERROR', message: 'run expired' });
  });

  it('records an incomplete run with its incomplete_details and the partial reply', async () => {
    const thread = await ask('a long question with many words to answer');
    const run = await client.beta.threads.runs.createAndPoll(
      thread.id,
      { assistant_id: assistant.id, max_completion_tokens: 3 },
      { pollIntervalMs: 1 },
    );
    expect(run.status).toBe('incomplete');
    const { root } = shape((await t.traces())[0]);
    expect(root.status.code).toBe('OK');
    expect(root.attributes['assistants.incomplete_details']).toEqual({ reason: 'max_completion_tokens' });
    expect((root.outputs as any).messages[0].content).toBe('Echo: a');
  });

  it('passes a failed creation’s error through unchanged and ends the span with it', async () => {
    const thread = await ask('will not start');
    let caught: any;
    try {
      await client.beta.threads.runs.create(thread.id, { assistant_id: 'asst_missing' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(version.module.NotFoundError);
    expect(caught.message).toContain("No assistant found with id 'asst_missing'.");
    const { root } = shape((await t.traces())[0]);
    expect(root.status.code).toBe('ERROR');
    expect(root.attributes['http.response.status_code']).toBe(404);
    expect(root.events[0].attributes['exception.type']).toBe('NotFoundError');
  });
});
