import { flushTraces, init, MemoryDestination, type TraceRecord } from '@autolog/core';
import { autolog, disable } from '@autolog/openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clientChain } from '../src/client-chain.js';
import { fluentChain } from '../src/fluent-chain.js';
import { openaiClient } from '../src/model.js';

const mem = new MemoryDestination();
let env: Awaited<ReturnType<typeof openaiClient>>;
beforeAll(async () => {
  delete process.env.OPENAI_API_KEY;
  init({ silent: true, destination: mem });
  await autolog();
  env = await openaiClient();
});
afterAll(async () => {
  disable();
  await env.close();
});

/** name → [type, parent name] for every span. */
function shape(trace: TraceRecord) {
  const names = new Map(trace.data.spans.map((s) => [s.spanId, s.name]));
  return trace.data.spans.map((s) => [s.name, s.spanType, s.parentId ? names.get(s.parentId) : null]).sort();
}

it('produces the same trace with the fluent API and with TracingClient, with token usage', async () => {
  const question = 'How does a trace record token usage?';
  const a = await fluentChain(env.client, env.model)(question);
  const b = await clientChain(env.client, env.model, question);
  expect(a).toBe(b);
  await flushTraces();
  const [fluent, client] = mem.traces;
  expect(shape(fluent)).toEqual(shape(client));
  expect(shape(fluent)).toEqual([
    ['OpenAI.chat.completions', 'CHAT_MODEL', 'rag'],
    ['build_prompt', 'PARSER', 'rag'],
    ['rag', 'CHAIN', null],
    ['retrieve', 'RETRIEVER', 'rag'],
  ]);
  for (const t of [fluent, client]) {
    expect(t.info.tokenUsage?.total_tokens).toBeGreaterThan(0);
    expect(t.info.responsePreview).toContain(a.slice(0, 20));
  }
});
