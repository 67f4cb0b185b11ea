// What a run will do, decided when it is created: which tools it calls, its reply, how it ends.
import { type Json, messageText } from './assistants-store.js';
import { makeId } from './ids.js';
import { chooseTools, echoText, type ToolChoice, type ToolDef, toolArguments } from './reply.js';
import { countTokens } from './tokens.js';
import type { RequestKnobs, RouteContext } from './types.js';

/** The user's text asks for the code interpreter when it mentions code or a calculation. */
export const CODE_TRIGGER = /\b(code|calculate|compute|python)\b/i;

/** How a run ends: as planned, or forced with the `run-outcome` knob. */
export type RunOutcome = 'completed' | 'failed' | 'expired' | 'incomplete';

export interface RunPlan {
  /** Built-in tool calls (file_search, code_interpreter), one run step each, made before anything else. */
  builtinCalls: Json[];
  /** Function calls the app must answer through `submit_tool_outputs` (`requires_action`). */
  functionCalls: Json[];
  /** The reply; replaced by a summary of the tool outputs once they are submitted. */
  reply: string;
  outcome: RunOutcome;
  /** `last_error` of a failed run. */
  error: { code: string; message: string };
  promptTokens: number;
  maxCompletionTokens?: number;
  /** Azure only: the content-filter category that stops the reply (`content-filter` knob). */
  contentFilter?: string;
  /** Number of reply fragments in a stream (`chunks` knob). */
  chunks?: number;
}

const FAILURES: Record<string, string> = {
  server_error: 'Sorry, something went wrong.',
  rate_limit_exceeded: 'Rate limit reached for requests. Please try again later.',
  invalid_prompt: 'Invalid prompt: your prompt was flagged as potentially violating our usage policy.',
};

/**
 * Plans a run from the thread's messages and the assistant (or the run's overrides). Tool use
 * follows fixed rules so tests can predict it: `file_search` is used whenever the assistant has
 * it, `code_interpreter` when the user's text matches {@link CODE_TRIGGER}, function tools as in
 * chat (the word `tool`, `tool_choice: 'required'` or a named function).
 */
export function planRun(
  ctx: RouteContext,
  assistant: Json,
  body: Json,
  thread: Json,
  messages: Json[],
): RunPlan {
  const tools: Json[] = Array.isArray(body.tools) ? body.tools : (assistant.tools ?? []);
  const choice = body.tool_choice ?? 'auto';
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const text = lastUser ? messageText(lastUser) : '';
  const has = (type: string) => tools.some((t) => t?.type === type);
  const forced = typeof choice === 'object' ? choice?.type : undefined;

  const builtinCalls: Json[] = [];
  if (choice !== 'none' && has('file_search') && (forced === undefined || forced === 'file_search')) {
    const stores = [
      ...(assistant.tool_resources?.file_search?.vector_store_ids ?? []),
      ...(thread.tool_resources?.file_search?.vector_store_ids ?? []),
    ];
    builtinCalls.push(
      fileSearchCall(
        text,
        stores,
        tools.find((t) => t.type === 'file_search'),
      ),
    );
  }
  if (
    choice !== 'none' &&
    has('code_interpreter') &&
    (forced === 'code_interpreter' || (!forced && CODE_TRIGGER.test(text)))
  ) {
    builtinCalls.push(codeInterpreterCall(text));
  }
  const functions: ToolDef[] = tools
    .filter((t) => t?.type === 'function' && typeof t.function?.name === 'string')
    .map((t) => ({ name: t.function.name, parameters: t.function.parameters }));
  const functionChoice: ToolChoice =
    choice === 'none'
      ? 'none'
      : forced === 'function'
        ? { name: choice.function?.name }
        : forced
          ? 'none'
          : choice === 'required' && builtinCalls.length
            ? 'auto'
            : choice;
  const functionCalls = chooseTools(functions, functionChoice, text, body.parallel_tool_calls !== false).map(
    (tool) => ({
      id: makeId('call_'),
      type: 'function',
      function: { name: tool.name, arguments: toolArguments(tool), output: null },
    }),
  );

  const outcome = readOutcome(ctx);
  const instructions = [body.instructions ?? assistant.instructions, body.additional_instructions]
    .filter(Boolean)
    .join('\n');
  return {
    builtinCalls,
    functionCalls,
    reply: ctx.knobs.reply ?? echoText(text),
    outcome: outcome.outcome,
    error: { code: outcome.code, message: FAILURES[outcome.code] ?? FAILURES.server_error },
    promptTokens: promptTokens(messages, instructions, tools),
    maxCompletionTokens:
      typeof body.max_completion_tokens === 'number' ? body.max_completion_tokens : undefined,
    contentFilter: ctx.azure ? header(ctx, 'content-filter') : undefined,
    chunks: (ctx.knobs as RequestKnobs).chunks,
  };
}

/** Reads a knob the shared knob reader does not know: header `x-testkit-<name>` or `metadata.testkit_<name>`. */
function header(ctx: RouteContext, name: string): string | undefined {
  const value =
    ctx.headers[`x-testkit-${name}`] ?? ctx.body?.metadata?.[`testkit_${name.replace(/-/g, '_')}`];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `run-outcome` knob: `failed` (optionally `failed:<code>`), `expired` or `incomplete`. */
function readOutcome(ctx: RouteContext): { outcome: RunOutcome; code: string } {
  const raw = header(ctx, 'run-outcome') ?? 'completed';
  const [outcome, code] = raw.split(':');
  if (outcome === 'failed' || outcome === 'expired' || outcome === 'incomplete') {
    return { outcome, code: code && FAILURES[code] ? code : 'server_error' };
  }
  return { outcome: 'completed', code: 'server_error' };
}

function fileSearchCall(query: string, vectorStores: string[], tool: Json | undefined): Json {
  const stores = vectorStores.length ? vectorStores : ['vs_testkit'];
  return {
    id: makeId('call_'),
    type: 'file_search',
    file_search: {
      ranking_options: tool?.file_search?.ranking_options ?? {
        ranker: 'default_2024_08_21',
        score_threshold: 0,
      },
      results: stores.slice(0, 3).map((store, index) => ({
        file_id: `file-${store.replace(/^vs_/, '')}${index}`,
        file_name: `${store}-doc-${index + 1}.md`,
        score: Math.round((0.92 - index * 0.1) * 100) / 100,
        content: [{ type: 'text', text: `Passage ${index + 1} of ${store} about: ${query}` }],
      })),
    },
  };
}

function codeInterpreterCall(text: string): Json {
  const words = text.split(/\s+/).filter(Boolean).length;
  return {
    id: makeId('call_'),
    type: 'code_interpreter',
    code_interpreter: {
      input: `text = ${JSON.stringify(text)}\nprint(len(text.split()))`,
      outputs: [{ type: 'logs', logs: String(words) }],
    },
  };
}

// Roughly OpenAI's accounting, as for chat: 3 tokens per message plus its text, 3 to prime the reply.
function promptTokens(messages: Json[], instructions: string, tools: Json[]): number {
  let total = 3 + (instructions ? 3 + countTokens(instructions) : 0);
  for (const message of messages) total += 3 + countTokens(messageText(message));
  if (tools.length) total += countTokens(JSON.stringify(tools));
  return total;
}

/** Output tokens of a tool call (what the model wrote to make it). */
export function callTokens(call: Json): number {
  if (call.type === 'function')
    return 3 + countTokens(call.function.name) + countTokens(call.function.arguments);
  if (call.type === 'code_interpreter') return 3 + countTokens(call.code_interpreter.input);
  return 3;
}
