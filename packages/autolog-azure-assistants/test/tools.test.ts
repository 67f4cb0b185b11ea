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
  weatherTool,
} from './helpers.js';

let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer({ apiKey: API_KEY });
});
afterAll(async () => {
  await server.close();
  assistantsPlugin.disable();
});

describe.each(OPENAI_VERSIONS)('tools on $label', (version) => {
  let client: any;
  let t: ReturnType<typeof memoryTracing>;
  let assistant: any;

  beforeAll(async () => {
    assistantsPlugin.patchModule(version.module);
    client = azureClient(version, server);
    assistant = await client.beta.assistants.create({
      model: 'my-gpt4o',
      tools: [weatherTool, { type: 'code_interpreter' }],
    });
  });
  beforeEach(() => {
    t = memoryTracing();
  });

  const threadWith = (content: string) =>
    client.beta.threads.create({ messages: [{ role: 'user', content }] });
  const outputsFor = (run: any) =>
    run.required_action.submit_tool_outputs.tool_calls.map((call: any) => ({
      tool_call_id: call.id,
      output: `sunny in ${JSON.parse(call.function.arguments).city}`,
    }));

  it('records a function call round trip through requires_action as a TOOL span with arguments and output', async () => {
    const thread = await threadWith('use the tool for the weather');
    const runs = runsOf(version, client);
    const waiting = await runs.raw.createAndPoll(
      thread.id,
      { assistant_id: assistant.id },
      { pollIntervalMs: 1 },
    );
    expect(waiting.status).toBe('requires_action');
    const submitted = await runs.submit(thread.id, waiting.id, { tool_outputs: outputsFor(waiting) });
    const run = await pollUntilSettled(version, client, submitted);
    expect(run.status).toBe('completed');
    const traces = await t.traces();
    expect(traces).toHaveLength(1);
    const { root, children, child } = shape(traces[0]);
    const tool = child('get_weather')!;
    expect(tool.spanType).toBe('TOOL');
    expect(tool.inputs).toEqual(
      JSON.parse(waiting.required_action.submit_tool_outputs.tool_calls[0].function.arguments),
    );
    expect(tool.outputs).toBe(outputsFor(waiting)[0].output);
    expect(tool.attributes['assistants.tool_call_id']).toBe(
      waiting.required_action.submit_tool_outputs.tool_calls[0].id,
    );
    expect(children.filter((s) => s.spanType === 'TOOL' && s.name === 'get_weather')).toHaveLength(1);
    expect(child('message_creation')!.startTimeNs).toBeGreaterThanOrEqual(tool.endTimeNs!);
    expect((root.outputs as any).messages[0].content).toBe(
      `The tool returned: ${outputsFor(waiting)[0].output}`,
    );
    expect(root.events.map((e) => e.name)).toEqual(
      expect.arrayContaining([
        'assistants.run.requires_action',
        'assistants.tool_outputs_submitted',
        'assistants.run.completed',
      ]),
    );
  });

  it('follows submitToolOutputsAndPoll and submitToolOutputsStream to the end of the run', async () => {
    const runs = runsOf(version, client);
    const a = await threadWith('use the tool for Paris');
    const waitingA = await runs.raw.createAndPoll(
      a.id,
      { assistant_id: assistant.id },
      { pollIntervalMs: 1 },
    );
    const doneA = await runs.submitAndPoll(a.id, waitingA.id, { tool_outputs: outputsFor(waitingA) });
    const b = await threadWith('use the tool for Rome');
    const waitingB = await runs.raw.stream(b.id, { assistant_id: assistant.id }).finalRun();
    expect(waitingB.status).toBe('requires_action');
    const doneB = await runs
      .submitStream(b.id, waitingB.id, { tool_outputs: outputsFor(waitingB) })
      .finalRun();
    expect([doneA.status, doneB.status]).toEqual(['completed', 'completed']);
    const traces = await t.traces();
    expect(traces).toHaveLength(2);
    for (const trace of traces) {
      const { root, child } = shape(trace);
      expect(child('get_weather')?.outputs).toMatch(/^sunny in /);
      expect(root.attributes['mlflow.chat.tokenUsage']).toBeDefined();
      expect(child('message_creation')).toBeDefined();
    }
  });

  it('records code_interpreter calls as TOOL spans with their code and logs', async () => {
    const thread = await threadWith('calculate the words of this sentence');
    const run = await client.beta.threads.runs.createAndPoll(
      thread.id,
      { assistant_id: assistant.id },
      { pollIntervalMs: 1 },
    );
    expect(run.status).toBe('completed');
    const { child } = shape((await t.traces())[0]);
    const tool = child('code_interpreter')!;
    expect(tool.spanType).toBe('TOOL');
    expect((tool.inputs as any).input).toContain('print(len(text.split()))');
    expect((tool.outputs as any).outputs).toEqual([{ type: 'logs', logs: '6' }]);
  });

  it('ends a function call span unanswered when the run is cancelled in requires_action', async () => {
    const thread = await threadWith('use the tool, then cancel');
    const runs = runsOf(version, client);
    const waiting = await runs.raw.createAndPoll(
      thread.id,
      { assistant_id: assistant.id },
      { pollIntervalMs: 1 },
    );
    await pollUntilSettled(version, client, await runs.cancel(thread.id, waiting.id));
    const { child } = shape((await t.traces())[0]);
    expect(child('get_weather')?.attributes['assistants.tool_output_submitted']).toBe(false);
  });
});
