/**
 * The Autolog demo: a small RAG-style assistant traced with the fluent API, writing to the
 * embedded local store (./.autolog/traces.db), then reading the traces back and printing them.
 * No server and no API key: the "model" here is a local stand-in that reports token usage the
 * way a real chat model does.
 */
import {
  flushTraces,
  formatTraceTree,
  getCurrentActiveSpan,
  getLastActiveTraceId,
  getTrace,
  init,
  SpanType,
  trace,
  tracingContext,
  updateCurrentTrace,
  withSpan,
} from '@autolog/core';

const { destinations } = init({ experimentName: 'autolog-demo' });
const storePath = 'path' in destinations[0] ? String(destinations[0].path) : destinations[0].name;

const DOCS = [
  'Autolog records every model call as a span with its token usage.',
  'Traces are stored in a local SQLite file; no server is needed.',
  'Spans carry inputs, outputs, timing, status and errors.',
];

const countTokens = (text: string) => Math.ceil(text.split(/\s+/).filter(Boolean).length * 1.3);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const retrieve = trace(
  async function retrieve(query: string, k = 2) {
    await sleep(3);
    const words = query.toLowerCase().split(/\W+/);
    return DOCS.filter((d) => words.some((w) => w.length > 3 && d.toLowerCase().includes(w))).slice(0, k);
  },
  { spanType: SpanType.RETRIEVER },
);

const chatModel = trace(
  async function chatModel(messages: Array<{ role: string; content: string }>, model = 'demo-mini') {
    await sleep(8);
    const question = messages[messages.length - 1].content;
    if (question.includes('crash')) throw new Error('model overloaded (simulated)');
    const answer = `Here is what I found: ${messages[0].content.split('\n').slice(1).join(' ') || 'nothing relevant.'}`;
    const input = countTokens(messages.map((m) => m.content).join(' '));
    const output = countTokens(answer);
    getCurrentActiveSpan()?.setAttributes({
      'mlflow.llm.model': model,
      'mlflow.chat.tokenUsage': { input_tokens: input, output_tokens: output, total_tokens: input + output },
    });
    return { role: 'assistant', content: answer };
  },
  { spanType: SpanType.CHAT_MODEL },
);

const answerQuestion = trace(
  async function answerQuestion(question: string) {
    updateCurrentTrace({ tags: { app_version: '1.0.0' } });
    const docs = await retrieve(question);
    const prompt = withSpan(
      (span) => {
        span.setInputs({ question, docs });
        return `Answer from context:\n${docs.join('\n')}`;
      },
      { name: 'build_prompt', spanType: SpanType.PARSER },
    );
    const reply = await chatModel([
      { role: 'system', content: prompt },
      { role: 'user', content: question },
    ]);
    return reply.content;
  },
  { spanType: SpanType.CHAIN },
);

const turns = [
  { user: 'alice', session: 'alice-1', question: 'Where are traces stored?' },
  { user: 'alice', session: 'alice-1', question: 'What do spans carry?' },
  { user: 'bob', session: 'bob-1', question: 'Does the model crash sometimes?' },
];

const traceIds: string[] = [];
for (const turn of turns) {
  await tracingContext(
    { metadata: { 'mlflow.trace.user': turn.user, 'mlflow.trace.session': turn.session } },
    async () => {
      try {
        console.log(`${turn.user}> ${turn.question}\nassistant> ${await answerQuestion(turn.question)}\n`);
      } catch (err) {
        console.log(`${turn.user}> ${turn.question}\nassistant> (error: ${(err as Error).message})\n`);
      }
    },
  );
  traceIds.push(getLastActiveTraceId()!);
}

await flushTraces();
console.log(`Traces written to ${storePath}:\n`);
for (const id of traceIds) {
  const t = await getTrace(id);
  if (t) console.log(`${formatTraceTree(t)}\n`);
}
