import { missingParameter } from './errors.js';
import { makeId, SYSTEM_FINGERPRINT, unixSeconds } from './ids.js';
import { echoText } from './reply.js';
import { countTokens, splitIntoChunks, truncateTokens } from './tokens.js';
import type { OpenAIRoute, RouteContext } from './types.js';

/** `POST /completions` (legacy). Like the real API, `max_tokens` defaults to 16. */
export const completionsRoutes: OpenAIRoute[] = [
  { method: 'POST', path: '/completions', handle: handleCompletions },
];

interface PlannedText {
  text: string;
  finishReason: 'stop' | 'length';
}

async function handleCompletions(ctx: RouteContext): Promise<void> {
  const body = ctx.body ?? {};
  const model: string | undefined = body.model ?? ctx.azure?.deployment;
  if (!model) return ctx.error(400, { message: 'you must provide a model parameter' });
  if (body.prompt === undefined) return ctx.error(400, missingParameter('prompt'));
  const prompts = normalizePrompt(body.prompt);
  const n = typeof body.n === 'number' && body.n > 1 ? Math.floor(body.n) : 1;
  const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : 16;
  const choices: PlannedText[] = [];
  for (const prompt of prompts) {
    for (let i = 0; i < n; i++) {
      const { text, truncated } = truncateTokens(ctx.knobs.reply ?? echoText(prompt, i), maxTokens);
      choices.push({
        text: body.echo === true ? prompt + text : text,
        finishReason: truncated ? 'length' : 'stop',
      });
    }
  }
  const promptTokens = prompts.reduce((sum, p) => sum + countTokens(p), 0);
  const completionTokens = choices.reduce((sum, c) => sum + countTokens(c.text), 0);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
  const head = { id: makeId('cmpl-', 29), object: 'text_completion', created: unixSeconds(), model };

  if (body.stream !== true) {
    return ctx.json(200, {
      ...head,
      choices: choices.map((c, index) => ({
        text: c.text,
        index,
        logprobs: null,
        finish_reason: c.finishReason,
      })),
      usage,
      system_fingerprint: SYSTEM_FINGERPRINT,
    });
  }
  const includeUsage = body.stream_options?.include_usage === true;
  const sse = ctx.sse('data');
  const chunk = (choice: Record<string, unknown>[]) => ({
    ...head,
    choices: choice,
    system_fingerprint: SYSTEM_FINGERPRINT,
    ...(includeUsage ? { usage: null } : {}),
  });
  for (const [index, choice] of choices.entries()) {
    for (const piece of splitIntoChunks(choice.text, ctx.knobs.chunks)) {
      if (!(await sse.send(chunk([{ text: piece, index, logprobs: null, finish_reason: null }])))) return;
    }
    if (!(await sse.send(chunk([{ text: '', index, logprobs: null, finish_reason: choice.finishReason }]))))
      return;
  }
  if (includeUsage && !(await sse.send({ ...chunk([]), usage }))) return;
  await sse.done();
}

function normalizePrompt(prompt: unknown): string[] {
  if (typeof prompt === 'string') return [prompt];
  if (!Array.isArray(prompt) || prompt.length === 0) return [''];
  if (prompt.every((x) => typeof x === 'number')) return [prompt.join(' ')];
  return prompt.map((x) => (typeof x === 'string' ? x : Array.isArray(x) ? x.join(' ') : ''));
}
