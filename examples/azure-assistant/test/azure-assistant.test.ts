import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autolog, disable } from '@autolog/azure-assistants';
import { getTrace, init, searchTraces } from '@autolog/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { annotate, previousThreads, traceOfThread } from '../src/annotate.js';
import { askAssistant } from '../src/assistant.js';
import { azureClient } from '../src/client.js';

let env: Awaited<ReturnType<typeof azureClient>>;
let assistantId: string;
beforeAll(async () => {
  delete process.env.AZURE_OPENAI_ENDPOINT;
  init({ silent: true, destination: join(mkdtempSync(join(tmpdir(), 'azure-assistant-')), 'traces.db') });
  await autolog();
  env = await azureClient();
  assistantId = (
    await env.client.beta.assistants.create({ model: env.deployment, instructions: 'Answer about FORGE.' })
  ).id;
});
afterAll(async () => {
  disable();
  await env.close();
});

it('traces a polled assistant run with the thread as session and the user from tracingContext, then annotates it', async () => {
  const answer = await askAssistant(
    env.client,
    assistantId,
    'scott@example.com',
    'What is the FORGE project?',
    env.pollIntervalMs,
  );
  expect(answer.status).toBe('completed');
  const found = await traceOfThread(answer.threadId);
  expect(found.info.traceMetadata).toMatchObject({
    'mlflow.trace.session': answer.threadId,
    'mlflow.trace.user': 'scott@example.com',
  });
  expect(found.info.clientRequestId).toBe(answer.threadId);
  const agent = found.data.spans.find((s) => s.spanType === 'AGENT')!;
  expect(JSON.stringify(agent.outputs)).toContain(answer.reply.slice(0, 20));
  expect(found.info.tokenUsage?.total_tokens).toBeGreaterThan(0);

  await annotate(found.info.traceId, 'scott@example.com');
  const annotated = (await getTrace(found.info.traceId))!;
  const byName = Object.fromEntries(annotated.info.assessments.map((a) => [a.name, a]));
  expect(byName.user_satisfaction).toMatchObject({
    kind: 'feedback',
    value: true,
    source: { sourceType: 'HUMAN' },
  });
  expect(byName.relevance).toMatchObject({ value: 0.9 });
  expect(byName.llm_evaluation).toMatchObject({
    value: 0.3,
    source: { sourceType: 'LLM_JUDGE', sourceId: 'GPT-5' },
  });
  expect(byName.expected_behavior).toMatchObject({
    kind: 'expectation',
    value: { should_escalate: true, tone: 'professional_friendly' },
  });
  const { traces } = await searchTraces({ filterString: "feedback.user_satisfaction = 'true'" });
  expect(traces.map((t) => t.info.traceId)).toContain(found.info.traceId);
});

it("lists a user's previous threads, newest first", async () => {
  const second = await askAssistant(
    env.client,
    assistantId,
    'scott@example.com',
    'Where is FORGE?',
    env.pollIntervalMs,
  );
  const threads = await previousThreads('scott@example.com');
  expect(threads[0].threadId).toBe(second.threadId);
  expect(threads.length).toBeGreaterThanOrEqual(2);
});
