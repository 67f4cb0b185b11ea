import { choiceFilterResults, promptFilterResults } from './azure.js';
import { type ChatPlan, type PlannedChoice, planChat } from './chat-plan.js';
import { streamChat } from './chat-stream.js';
import { missingParameter } from './errors.js';
import { makeId, SYSTEM_FINGERPRINT, unixSeconds } from './ids.js';
import { tokenize } from './tokens.js';
import type { OpenAIRoute, RouteContext } from './types.js';
import { completionUsage } from './usage.js';

/** `POST /chat/completions` — also served at Azure's `/openai/deployments/{d}/chat/completions`. */
export const chatRoutes: OpenAIRoute[] = [{ method: 'POST', path: '/chat/completions', handle: handleChat }];

async function handleChat(ctx: RouteContext): Promise<void> {
  const body = ctx.body ?? {};
  const model: string | undefined = body.model ?? ctx.azure?.deployment;
  if (!model) return ctx.error(400, { message: 'you must provide a model parameter' });
  if (!Array.isArray(body.messages)) return ctx.error(400, missingParameter('messages'));
  if (body.messages.length === 0) {
    return ctx.error(400, {
      message:
        "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      param: 'messages',
      code: 'empty_array',
    });
  }
  const plan = planChat(body, ctx.knobs, model);
  const id = makeId('chatcmpl-', 29);
  if (body.stream === true) return streamChat(ctx, plan, id);
  ctx.json(200, chatCompletion(ctx, plan, id, body.logprobs === true));
}

function chatCompletion(ctx: RouteContext, plan: ChatPlan, id: string, logprobs: boolean) {
  return {
    id,
    object: 'chat.completion',
    created: unixSeconds(),
    model: plan.model,
    ...(ctx.azure ? { prompt_filter_results: promptFilterResults() } : {}),
    choices: plan.choices.map((choice, index) => ({
      index,
      message: chatMessage(choice),
      logprobs:
        logprobs && choice.text !== null ? { content: tokenLogprobs(choice.text), refusal: null } : null,
      finish_reason: choice.finishReason,
      ...(ctx.azure ? { content_filter_results: choiceFilterResults() } : {}),
    })),
    usage: completionUsage(plan.counts),
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

function chatMessage(choice: PlannedChoice) {
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: choice.text,
    refusal: null,
    annotations: [],
  };
  if (choice.toolCalls.length > 0) {
    message.tool_calls = choice.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return message;
}

function tokenLogprobs(text: string) {
  return tokenize(text).map((token) => ({
    token,
    logprob: -0.0001,
    bytes: [...Buffer.from(token, 'utf8')],
    top_logprobs: [],
  }));
}
