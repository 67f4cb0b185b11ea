import { tracingContext } from '@autolog/core';
import type { AzureOpenAI } from 'openai';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The seed notebook's `run_assistant_query`, without any tracing code: create a thread, add the
 * question, start a run, poll it, list the reply. @autolog/azure-assistants turns the run into a
 * trace (AGENT span, run steps as children, usage); the thread id becomes the trace's session
 * and `tracingContext` supplies the user.
 */
export async function askAssistant(
  client: AzureOpenAI,
  assistantId: string,
  userName: string,
  question: string,
  pollIntervalMs = 1000,
) {
  return tracingContext({ metadata: { 'mlflow.trace.user': userName } }, async () => {
    const thread = await client.beta.threads.create();
    await client.beta.threads.messages.create(thread.id, { role: 'user', content: question });
    let run = await client.beta.threads.runs.create(thread.id, { assistant_id: assistantId });
    while (['queued', 'in_progress', 'cancelling'].includes(run.status)) {
      await sleep(pollIntervalMs);
      run = await client.beta.threads.runs.retrieve(run.id, { thread_id: thread.id });
    }
    const messages = await client.beta.threads.messages.list(thread.id, { order: 'desc', limit: 1 });
    const reply =
      messages.data[0]?.content.map((c) => (c.type === 'text' ? c.text.value : '')).join('') ?? '';
    return { threadId: thread.id, status: run.status, reply };
  });
}
