/**
 * A retriever + LLM chain traced twice — with the fluent API and with TracingClient — into the
 * local store; prints both traces. Offline by default (a local OpenAI-compatible server);
 * set OPENAI_API_KEY to use OpenAI.
 */
import { formatTraceTree, getLastActiveTraceId, getTrace, init } from '@autolog/core';
import { autolog } from '@autolog/openai';
import { clientChain } from './client-chain.js';
import { fluentChain } from './fluent-chain.js';
import { openaiClient } from './model.js';

init({ experimentName: 'rag-chain' });
await autolog();
const { client, model, close } = await openaiClient();
const question = 'How does a trace record token usage?';

console.log(`fluent> ${await fluentChain(client, model)(question)}`);
const fluentId = getLastActiveTraceId()!;
console.log(`client> ${await clientChain(client, model, question)}`);
const clientId = getLastActiveTraceId()!;

for (const id of [fluentId, clientId]) console.log(`\n${formatTraceTree((await getTrace(id))!)}`);
await close();
