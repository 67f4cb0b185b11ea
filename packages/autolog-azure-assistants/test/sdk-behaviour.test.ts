import { isWrapped } from '@autolog/core/plugin';
import { type OpenAIServer, startOpenAIServer } from '@autolog/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { assistantsPlugin } from '../src/index.js';
import { RunTracker } from '../src/run-tracker.js';
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

describe.each([OPENAI_VERSIONS[0], OPENAI_VERSIONS[3]])('what the SDK returns on $label', (version) => {
  let client: any;
  let t: ReturnType<typeof memoryTracing>;
  let assistant: any;

  beforeAll(async () => {
    assistantsPlugin.patchModule(version.module);
    client = azureClient(version, server);
    assistant = await client.beta.assistants.create({ model: 'my-gpt4o' });
  });
  beforeEach(() => {
    t = memoryTracing();
  });
  afterEach(() => {
    assistantsPlugin.configure({});
    vi.restoreAllMocks();
  });

  const newThread = (content = 'hello') =>
    client.beta.threads.create({ messages: [{ role: 'user', content }] });

  it('keeps the APIPromise of runs.create and runs.retrieve, with withResponse() and asResponse()', async () => {
    const thread = await newThread();
    const promise = client.beta.threads.runs.create(thread.id, { assistant_id: assistant.id });
    expect(promise.constructor.name).toBe('APIPromise');
    const { data, response } = await promise.withResponse();
    expect(data.object).toBe('thread.run');
    expect(response.status).toBe(200);
    const polled = runsOf(version, client).retrieve(thread.id, data.id);
    expect(polled.constructor.name).toBe('APIPromise');
    const raw = await polled.asResponse();
    expect((await raw.json()).id).toBe(data.id);
    const settled = await pollUntilSettled(version, client, data);
    // The poll that ends the run resolves once its trace is complete, with the SDK's object as it was.
    expect(settled._request_id).toMatch(/^req_/);
    expect(Object.keys(settled)).not.toContain('_request_id');
    expect(await t.traces()).toHaveLength(1);
  });

  it('keeps a streamed run’s Stream: tee() gives two full readers and one trace', async () => {
    const thread = await newThread('tee me');
    const stream = await client.beta.threads.runs.create(thread.id, {
      assistant_id: assistant.id,
      stream: true,
    });
    expect(stream.constructor.name).toBe('Stream');
    const [left, right] = stream.tee();
    const read = async (s: any) => {
      const events: string[] = [];
      for await (const e of s) events.push(e.event);
      return events;
    };
    const [a, b] = await Promise.all([read(left), read(right)]);
    expect(a).toEqual(b);
    expect(a.at(-1)).toBe('thread.run.completed');
    const traces = await t.traces();
    expect(traces).toHaveLength(1);
    expect(shape(traces[0]).root.outputs).toEqual({
      messages: [{ role: 'assistant', content: 'Echo: tee me' }],
    });
  });

  it('passes a failed poll’s error through as the SDK’s own and keeps following the run', async () => {
    const thread = await newThread();
    const created = await client.beta.threads.runs.create(thread.id, { assistant_id: assistant.id });
    server.failNext({ status: 500, path: /\/runs\/run_/ });
    const error = await runsOf(version, client)
      .retrieve(thread.id, created.id)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(version.module.InternalServerError);
    expect(error.status).toBe(500);
    await pollUntilSettled(version, client, created);
    const { root } = shape((await t.traces())[0]);
    expect(root.status.code).toBe('OK');
    expect(
      root.events.find((e) => e.name === 'assistants.retrieve_failed')?.attributes[
        'http.response.status_code'
      ],
    ).toBe(500);
  });

  it('never lets a failure inside the hook reach the app', async () => {
    vi.spyOn(RunTracker.prototype, 'observe').mockImplementation(() => {
      throw new Error('hook bug');
    });
    const thread = await newThread();
    const run = await client.beta.threads.runs.createAndPoll(
      thread.id,
      { assistant_id: assistant.id },
      { pollIntervalMs: 1 },
    );
    expect(run.status).toBe('completed');
  });

  it('ends a run the app stops polling after the configured timeout, marked as timed out', async () => {
    // Long enough that a loaded machine still observes the poll before the timeout fires.
    assistantsPlugin.configure({ runTimeoutMs: 1_000 });
    const thread = await newThread('abandoned');
    const created = await client.beta.threads.runs.create(thread.id, { assistant_id: assistant.id });
    await runsOf(version, client).retrieve(thread.id, created.id);
    for (let waited = 0; waited < 15_000 && (await t.traces()).length === 0; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { root } = shape((await t.traces())[0]);
    expect(root.attributes['assistants.timed_out']).toBe(true);
    expect(root.attributes['assistants.status']).toBe('in_progress');
    expect(root.status.code).toBe('ERROR');
    expect(root.status.message).toContain('last status: in_progress');
  });

  it('leaves a run open when its stream is abandoned early, then times it out', async () => {
    assistantsPlugin.configure({ runTimeoutMs: 50 });
    const thread = await newThread('stop reading me');
    const stream = await client.beta.threads.runs.create(
      thread.id,
      { assistant_id: assistant.id, stream: true },
      { headers: { 'x-testkit-chunk-delay-ms': '5' } },
    );
    for await (const event of stream) if (event.event === 'thread.run.in_progress') break;
    for (let waited = 0; waited < 15_000 && (await t.traces()).length === 0; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const { root } = shape((await t.traces())[0]);
    expect(root.events.map((e) => e.name)).toContain('assistants.stream_stopped_early');
    expect(root.attributes['assistants.timed_out']).toBe(true);
  });
});

describe('enable and disable', () => {
  it('restores the original methods on disable(), ends the runs it followed, and traces nothing afterwards', async () => {
    const version = OPENAI_VERSIONS[2];
    const Runs = version.module.OpenAI.Beta.Threads.Runs;
    assistantsPlugin.patchModule(version.module);
    expect(isWrapped(Runs.prototype.create)).toBe(true);
    const before = memoryTracing();
    const followed = azureClient(version, server);
    const a = await followed.beta.assistants.create({ model: 'm' });
    await followed.beta.threads.createAndRun({
      assistant_id: a.id,
      thread: { messages: [{ role: 'user', content: 'x' }] },
    });
    assistantsPlugin.disable();
    expect(shape((await before.traces())[0]).root.attributes['assistants.untracked']).toBe(
      'tracing was disabled while the run was followed',
    );
    expect(isWrapped(Runs.prototype.create)).toBe(false);
    expect(isWrapped(version.module.OpenAI.Beta.Threads.prototype.createAndRun)).toBe(false);
    const t = memoryTracing();
    const client = azureClient(version, server);
    const assistant = await client.beta.assistants.create({ model: 'm' });
    await client.beta.threads.createAndRunPoll(
      { assistant_id: assistant.id, thread: { messages: [{ role: 'user', content: 'x' }] } },
      { pollIntervalMs: 1 },
    );
    expect(await t.traces()).toHaveLength(0);
  });
});
