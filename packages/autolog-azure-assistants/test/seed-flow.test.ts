// The seed notebook (an Azure OpenAI Assistant traced by hand, then searched and annotated) with
// autolog instead of the hand-written spans: the app code below has no tracing code at all.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  flushTraces,
  getTrace,
  init,
  logExpectation,
  logFeedback,
  searchTraces,
  shutdown,
  tracingContext,
} from '@autolog/core';
import { type OpenAIServer, startOpenAIServer } from '@autolog/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistantsPlugin } from '../src/index.js';
import { API_KEY, API_VERSION, OPENAI_VERSIONS } from './helpers.js';

const userName = 'scott.mckean@example.com';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The notebook's `run_assistant_query`, minus its span, `set_inputs`, `update_current_trace` and `set_outputs`. */
async function runAssistantQuery(client: any, assistant: any, question: string, major: number) {
  const thread = await client.beta.threads.create();
  await client.beta.threads.messages.create(thread.id, { role: 'user', content: question });
  let run = await client.beta.threads.runs.create(thread.id, { assistant_id: assistant.id });
  while (['queued', 'in_progress', 'cancelling'].includes(run.status)) {
    await sleep(5);
    run =
      major === 4
        ? await client.beta.threads.runs.retrieve(thread.id, run.id)
        : await client.beta.threads.runs.retrieve(run.id, { thread_id: thread.id });
  }
  const messages = await client.beta.threads.messages.list(thread.id);
  const outputMessages = messages.data.map((x: any) => ({ role: x.role, content: x.content[0].text.value }));
  return {
    messages: outputMessages,
    output: messages.data.filter((x: any) => x.role === 'assistant'),
    attributes: run,
  };
}

describe.each([OPENAI_VERSIONS[3], OPENAI_VERSIONS[0]])(
  'the seed notebook’s flow with autolog on $label',
  (version) => {
    let server: OpenAIServer;
    let dir: string;
    let client: any;
    let assistant: any;

    beforeAll(async () => {
      server = await startOpenAIServer({ apiKey: API_KEY });
      dir = mkdtempSync(join(tmpdir(), 'autolog-assistants-'));
      init({
        destination: `sqlite:///${join(dir, 'traces.db')}`,
        experimentName: 'azure_assistant',
        silent: true,
      });
      assistantsPlugin.patchModule(version.module);
      client = new version.module.AzureOpenAI({
        endpoint: server.azureEndpoint,
        apiKey: API_KEY,
        apiVersion: API_VERSION,
      });
      const created = await client.beta.assistants.create({
        model: 'gpt-4o-mini',
        instructions:
          'You are an assistant that answers questions about the FORGE geothermal project in Utah.',
        tools: [{ type: 'file_search' }],
        tool_resources: { file_search: { vector_store_ids: ['vs_forge'] } },
        temperature: 0.17,
        top_p: 0.1,
      });
      assistant = await client.beta.assistants.retrieve(created.id);
    });
    afterAll(async () => {
      await shutdown();
      await server.close();
      assistantsPlugin.disable();
      rmSync(dir, { recursive: true, force: true });
    });

    it('records the question as one trace, finds it by user and by session, and takes feedback and an expectation', async () => {
      const ask = (question: string) =>
        tracingContext({ metadata: { 'mlflow.trace.user': userName } }, () =>
          runAssistantQuery(client, assistant, question, version.major),
        );
      await ask('Where is the project?');
      const result = await ask('What wells are on the project?');
      expect(result.messages[0]).toEqual({
        role: 'assistant',
        content: 'Echo: What wells are on the project?',
      });
      expect(
        server.requests.every(
          (r) =>
            r.path.startsWith('/openai/') &&
            r.headers['api-key'] === '[present]' &&
            r.query['api-version'] === API_VERSION,
        ),
      ).toBe(true);

      // search a user's previous threads (the notebook's filter string, as it wrote it)
      const previous = await searchTraces({
        filterString: `metadata.mlflow.trace.user = '${userName}'`,
        orderBy: ['timestamp_ms DESC'],
        maxResults: 3,
      });
      expect(previous.traces).toHaveLength(2);

      // retrieve the trace id for feedback, by the thread id
      const threadId = result.attributes.thread_id;
      const found = await searchTraces({
        filterString: `metadata.\`mlflow.trace.session\` = '${threadId}'`,
        orderBy: ['timestamp_ms DESC'],
        maxResults: 3,
      });
      expect(found.traces).toHaveLength(1);
      const traceId = found.traces[0].info.traceId;
      expect(previous.traces[0].info.traceId).toBe(traceId);

      await logFeedback({
        traceId,
        name: 'user_satisfaction',
        value: true,
        source: { sourceType: 'HUMAN', sourceId: userName },
      });
      await logFeedback({
        traceId,
        name: 'relevance',
        value: 0.9,
        source: { sourceType: 'HUMAN', sourceId: userName },
        rationale: 'High accuracy and clarity, slightly incomplete coverage',
      });
      await logFeedback({
        traceId,
        name: 'llm_evaluation',
        value: 0.3,
        source: { sourceType: 'LLM_JUDGE', sourceId: 'GPT-5' },
        rationale: 'Not as good as I could have done',
      });
      const expected = {
        should_escalate: true,
        required_elements: ['empathy', 'solution_offer', 'follow_up'],
        max_response_length: 150,
        tone: 'professional_friendly',
      };
      await logExpectation({
        traceId,
        name: 'expected_behavior',
        value: expected,
        source: { sourceType: 'HUMAN', sourceId: userName },
      });

      await flushTraces();
      const trace = (await getTrace(traceId))!;
      const { info } = trace;
      expect(info.state).toBe('OK');
      expect(info.clientRequestId).toBe(threadId);
      expect(info.traceMetadata['mlflow.trace.user']).toBe(userName);
      expect(info.traceMetadata['mlflow.trace.session']).toBe(threadId);
      expect(info.tags.assistant_id).toBe(assistant.id);
      expect(info.tokenUsage).toEqual({
        input_tokens: result.attributes.usage.prompt_tokens,
        output_tokens: result.attributes.usage.completion_tokens,
        total_tokens: result.attributes.usage.total_tokens,
      });
      expect(JSON.parse(info.requestPreview!).messages).toEqual([
        { role: 'user', content: 'What wells are on the project?' },
      ]);
      expect(JSON.parse(info.responsePreview!).messages).toEqual([
        { role: 'assistant', content: 'Echo: What wells are on the project?' },
      ]);
      expect(info.assessments.map((a) => [a.name, a.kind, a.source.sourceType, (a as any).value])).toEqual(
        expect.arrayContaining([
          ['user_satisfaction', 'feedback', 'HUMAN', true],
          ['relevance', 'feedback', 'HUMAN', 0.9],
          ['llm_evaluation', 'feedback', 'LLM_JUDGE', 0.3],
          ['expected_behavior', 'expectation', 'HUMAN', expected],
        ]),
      );

      const root = trace.rootSpan!;
      expect(root.spanType).toBe('AGENT');
      expect(root.attributes).toMatchObject({
        'assistants.assistant_id': assistant.id,
        'assistants.thread_id': threadId,
        'assistants.run_id': result.attributes.id,
        'assistants.status': 'completed',
        'assistants.instructions': assistant.instructions,
        'mlflow.llm.model': 'gpt-4o-mini',
        'mlflow.llm.provider': 'azure',
        'azure.api_version': API_VERSION,
      });
      const [retriever] = trace.searchSpans({ spanType: 'RETRIEVER' });
      expect(retriever.parentId).toBe(root.spanId);
      expect((retriever.outputs as any[])[0]).toMatchObject({
        page_content: 'Passage 1 of vs_forge about: What wells are on the project?',
        metadata: { file_name: 'vs_forge-doc-1.md' },
      });
      const [message] = trace.searchSpans({ name: 'message_creation' });
      expect((message.outputs as any).content[0].text.value).toBe('Echo: What wells are on the project?');
      expect(message.attributes['mlflow.chat.tokenUsage']).toBeDefined();
    });
  },
);
