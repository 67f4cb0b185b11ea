import { makeId } from './ids.js';
import {
  chooseTools,
  contentText,
  echoText,
  formatReply,
  reasoningTokensFor,
  type ToolChoice,
  type ToolDef,
  toolArguments,
  toolResultText,
} from './reply.js';
import { countTokens, truncateTokens } from './tokens.js';
import type { RequestKnobs } from './types.js';
import type { TokenCounts } from './usage.js';

export interface PlannedToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface PlannedChoice {
  /** `null` when the choice is tool calls. */
  text: string | null;
  toolCalls: PlannedToolCall[];
  finishReason: 'stop' | 'length' | 'tool_calls';
}

export interface ChatPlan {
  model: string;
  choices: PlannedChoice[];
  counts: TokenCounts;
}

/** Decides the whole answer to a chat request before any byte is written (stream or not). */
export function planChat(body: any, knobs: RequestKnobs, model: string): ChatPlan {
  const messages: any[] = body.messages;
  const last = messages[messages.length - 1] ?? {};
  const lastText = contentText(last.content);
  const tools = chatTools(body.tools);
  const called =
    last.role === 'user'
      ? chooseTools(tools, chatToolChoice(body.tool_choice), lastText, body.parallel_tool_calls !== false)
      : [];
  const reasoning = reasoningTokensFor(model, knobs.reasoningTokens);
  const max = body.max_completion_tokens ?? body.max_tokens;
  const budget = typeof max === 'number' ? Math.max(0, max - reasoning) : undefined;
  const n = typeof body.n === 'number' && body.n > 1 ? Math.floor(body.n) : 1;

  const choices: PlannedChoice[] = [];
  let output = 0;
  for (let index = 0; index < n; index++) {
    if (called.length > 0) {
      const toolCalls = called.map((tool) => ({
        id: makeId('call_'),
        name: tool.name,
        arguments: toolArguments(tool),
      }));
      output += toolCalls.reduce(
        (sum, call) => sum + countTokens(call.name) + countTokens(call.arguments) + 3,
        0,
      );
      choices.push({ text: null, toolCalls, finishReason: 'tool_calls' });
      continue;
    }
    const base =
      knobs.reply ??
      (last.role === 'tool' || last.role === 'function'
        ? toolResultText(lastText)
        : echoText(lastText, index));
    const { text, truncated } = truncateTokens(formatReply(body.response_format, base), budget);
    output += countTokens(text);
    choices.push({ text, toolCalls: [], finishReason: truncated ? 'length' : 'stop' });
  }
  return {
    model,
    choices,
    counts: {
      prompt: promptTokens(body, messages),
      output,
      reasoning: reasoning * n,
      cached: knobs.cachedTokens ?? 0,
    },
  };
}

function chatTools(tools: unknown): ToolDef[] {
  if (!Array.isArray(tools)) return [];
  return tools
    .filter((t) => t?.type === 'function' && typeof t.function?.name === 'string')
    .map((t) => ({ name: t.function.name, parameters: t.function.parameters }));
}

function chatToolChoice(choice: any): ToolChoice {
  if (choice === 'none' || choice === 'required' || choice === 'auto') return choice;
  if (typeof choice?.function?.name === 'string') return { name: choice.function.name };
  return 'auto';
}

// Roughly OpenAI's accounting: 3 tokens of framing per message plus its text, 3 to prime the reply.
function promptTokens(body: any, messages: any[]): number {
  let total = 3;
  for (const message of messages) {
    total += 3 + countTokens(contentText(message.content));
    if (message.name) total += 1;
    if (message.tool_calls) total += countTokens(JSON.stringify(message.tool_calls));
  }
  if (Array.isArray(body.tools)) total += countTokens(JSON.stringify(body.tools));
  if (body.response_format?.type === 'json_schema')
    total += countTokens(JSON.stringify(body.response_format));
  return total;
}
