import { choiceFilterResults, promptFilterResults } from './azure.js';
import type { ChatPlan, PlannedChoice } from './chat-plan.js';
import { SYSTEM_FINGERPRINT, unixSeconds } from './ids.js';
import { splitIntoChunks } from './tokens.js';
import type { RouteContext } from './types.js';
import { completionUsage } from './usage.js';

type Delta = Record<string, unknown>;

/**
 * Streams a planned chat answer the way OpenAI frames it: per choice a role delta, content (or
 * tool-call) deltas and a finish delta, choices interleaved; then, with
 * `stream_options.include_usage`, a usage chunk with `choices: []`; then `data: [DONE]`.
 * Azure first sends a chunk carrying only `prompt_filter_results`.
 */
export async function streamChat(ctx: RouteContext, plan: ChatPlan, id: string): Promise<void> {
  const includeUsage = ctx.body.stream_options?.include_usage === true;
  const created = unixSeconds();
  const sse = ctx.sse('data');
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: plan.model,
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices,
    ...(includeUsage ? { usage: null } : {}),
    ...extra,
  });

  if (ctx.azure) {
    const first = {
      choices: [],
      created: 0,
      id: '',
      model: '',
      object: '',
      prompt_filter_results: promptFilterResults(),
    };
    if (!(await sse.send(first))) return;
  }
  const perChoice = plan.choices.map((choice, index) => choiceFrames(choice, index, ctx));
  const longest = Math.max(...perChoice.map((frames) => frames.length));
  for (let step = 0; step < longest; step++) {
    for (const frames of perChoice) {
      const frame = frames[step];
      if (frame && !(await sse.send(chunk([frame])))) return;
    }
  }
  if (includeUsage && !(await sse.send(chunk([], { usage: completionUsage(plan.counts) })))) return;
  await sse.done();
}

function choiceFrames(choice: PlannedChoice, index: number, ctx: RouteContext): Delta[] {
  const filter = ctx.azure ? { content_filter_results: choiceFilterResults() } : {};
  const frame = (delta: Delta, finish: string | null = null, extra: Delta = {}) => ({
    index,
    delta,
    logprobs: null,
    finish_reason: finish,
    ...extra,
  });
  const frames: Delta[] = [];
  if (choice.text !== null) {
    frames.push(frame({ role: 'assistant', content: '', refusal: null }));
    for (const piece of splitIntoChunks(choice.text, ctx.knobs.chunks))
      frames.push(frame({ content: piece }, null, filter));
  } else {
    choice.toolCalls.forEach((call, callIndex) => {
      const opening = {
        tool_calls: [
          { index: callIndex, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
        ],
      };
      frames.push(
        frame(callIndex === 0 ? { role: 'assistant', content: null, refusal: null, ...opening } : opening),
      );
      for (const piece of splitIntoChunks(call.arguments, ctx.knobs.chunks)) {
        frames.push(frame({ tool_calls: [{ index: callIndex, function: { arguments: piece } }] }));
      }
    });
  }
  frames.push(frame({}, choice.finishReason));
  return frames;
}
