import { runInSpan, SpanType, TracingClient } from '@autolog/core';
import type OpenAI from 'openai';
import { buildPrompt, retrieve } from './documents.js';

/**
 * The same chain with the client API: every span started and ended by explicit ids — the style
 * for callback-driven code. The model call runs inside the root span (`runInSpan`), so
 * @autolog/openai's span lands in this trace too.
 */
export async function clientChain(client: OpenAI, model: string, question: string): Promise<string> {
  const tracing = new TracingClient();
  const root = tracing.startTrace({ name: 'rag', spanType: SpanType.CHAIN, inputs: { question } });
  const { traceId } = root;
  try {
    const retrieval = tracing.startSpan({
      name: 'retrieve',
      traceId,
      parentId: root.spanId,
      spanType: SpanType.RETRIEVER,
      inputs: { query: question },
    });
    const docs = retrieve(question);
    tracing.endSpan({ traceId, spanId: retrieval.spanId, outputs: docs });
    const prompt = tracing.startSpan({
      name: 'build_prompt',
      traceId,
      parentId: root.spanId,
      spanType: SpanType.PARSER,
      inputs: { question, docs: docs.map((d) => d.id) },
    });
    const messages = buildPrompt(question, docs);
    tracing.endSpan({ traceId, spanId: prompt.spanId, outputs: messages });
    const completion = await runInSpan(root, () => client.chat.completions.create({ model, messages }));
    const answer = completion.choices[0].message.content ?? '';
    tracing.endTrace({ traceId, outputs: answer });
    return answer;
  } catch (err) {
    tracing.endTrace({ traceId, status: 'ERROR' });
    throw err;
  }
}
