import { SpanType, trace, withSpan } from '@autolog/core';
import type OpenAI from 'openai';
import { buildPrompt, retrieve } from './documents.js';

/**
 * The RAG chain with the fluent API: `trace()` wraps the functions, `withSpan` a block; the
 * model call is traced by @autolog/openai (token usage included) as a child of the chain.
 */
export function fluentChain(client: OpenAI, model: string) {
  const retrieveDocs = trace((query: string) => retrieve(query), {
    name: 'retrieve',
    spanType: SpanType.RETRIEVER,
  });
  return trace(
    async function rag(question: string) {
      const docs = retrieveDocs(question);
      const messages = withSpan(
        (span) => {
          span.setInputs({ question, docs: docs.map((d) => d.id) });
          return buildPrompt(question, docs);
        },
        { name: 'build_prompt', spanType: SpanType.PARSER },
      );
      const completion = await client.chat.completions.create({ model, messages });
      return completion.choices[0].message.content ?? '';
    },
    { spanType: SpanType.CHAIN },
  );
}
