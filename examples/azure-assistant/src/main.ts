/**
 * The seed notebook as an app: ask an Azure OpenAI assistant a question, show the answer, find
 * the trace by its thread, record thumbs-up, a numeric score, an LLM-judge score and an
 * expectation, and list the user's previous threads. Offline by default.
 */

import { autolog } from '@autolog/azure-assistants';
import { formatTraceTree, getTrace, init } from '@autolog/core';
import { annotate, previousThreads, traceOfThread } from './annotate.js';
import { askAssistant } from './assistant.js';
import { azureClient } from './client.js';

init({ experimentName: 'azure-assistant' });
await autolog();
const { client, deployment, pollIntervalMs, close } = await azureClient();
const assistant = await client.beta.assistants.create({
  model: deployment,
  instructions: 'You are an assistant that answers questions about the FORGE geothermal project in Utah.',
  temperature: 0.17,
});
const user = process.env.APP_USER ?? 'scott@example.com';

for (const question of ['What is the FORGE project?', 'Where in Utah is FORGE?']) {
  const answer = await askAssistant(client, assistant.id, user, question, pollIntervalMs);
  console.log(`${user}> ${question}\nassistant> ${answer.reply}\n`);
  const found = await traceOfThread(answer.threadId);
  const assessments = await annotate(found.info.traceId, user);
  console.log(
    `trace ${found.info.traceId} for thread ${answer.threadId}: ${assessments.length} assessments logged`,
  );
  console.log(formatTraceTree((await getTrace(found.info.traceId))!), '\n');
}

console.log(`Previous threads of ${user}:`);
for (const t of await previousThreads(user)) console.log(`  ${t.threadId}  ${t.state}  ${t.request}`);
await close();
