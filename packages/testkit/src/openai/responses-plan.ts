import { makeId } from './ids.js';
import {
  chooseTools,
  contentText,
  echoText,
  formatReply,
  isReasoningModel,
  reasoningTokensFor,
  type ToolChoice,
  type ToolDef,
  toolArguments,
  toolResultText,
} from './reply.js';
import { countTokens, truncateTokens } from './tokens.js';
import type { RequestKnobs } from './types.js';
import type { TokenCounts } from './usage.js';

export type PlannedItem =
  | { type: 'reasoning'; id: string }
  | { type: 'message'; id: string; text: string }
  | { type: 'function_call'; id: string; callId: string; name: string; arguments: string };

export interface ResponsePlan {
  model: string;
  items: PlannedItem[];
  counts: TokenCounts;
  /** `incomplete` when `max_output_tokens` cut the text. */
  status: 'completed' | 'incomplete';
}

/** Decides a Responses API answer: an optional reasoning item, then a message or function calls. */
export function planResponse(body: any, knobs: RequestKnobs, model: string): ResponsePlan {
  const input: any[] =
    typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : (body.input ?? []);
  const last = input[input.length - 1] ?? {};
  const reasoning = reasoningTokensFor(model, knobs.reasoningTokens);
  const items: PlannedItem[] =
    isReasoningModel(model) || reasoning > 0 ? [{ type: 'reasoning', id: makeId('rs_', 48) }] : [];
  const isUserTurn = last.role === 'user' && (last.type === undefined || last.type === 'message');
  const lastText = isUserTurn ? contentText(last.content) : '';
  const called = isUserTurn
    ? chooseTools(
        responseTools(body.tools),
        responseToolChoice(body.tool_choice),
        lastText,
        body.parallel_tool_calls !== false,
      )
    : [];

  let output = 0;
  let status: ResponsePlan['status'] = 'completed';
  if (called.length > 0) {
    for (const tool of called) {
      const args = toolArguments(tool);
      output += countTokens(tool.name) + countTokens(args) + 3;
      items.push({
        type: 'function_call',
        id: makeId('fc_', 48),
        callId: makeId('call_'),
        name: tool.name,
        arguments: args,
      });
    }
  } else {
    const base =
      knobs.reply ??
      (last.type === 'function_call_output' ? toolResultText(outputText(last.output)) : echoText(lastText));
    const max = body.max_output_tokens;
    const budget = typeof max === 'number' ? Math.max(0, max - reasoning) : undefined;
    const { text, truncated } = truncateTokens(formatReply(body.text?.format, base), budget);
    if (truncated) status = 'incomplete';
    output += countTokens(text);
    items.push({ type: 'message', id: makeId('msg_', 48), text });
  }
  return {
    model,
    items,
    status,
    counts: { prompt: inputTokens(body, input), output, reasoning, cached: knobs.cachedTokens ?? 0 },
  };
}

function outputText(output: unknown): string {
  return typeof output === 'string' ? output : contentText(output) || JSON.stringify(output ?? '');
}

function responseTools(tools: unknown): ToolDef[] {
  if (!Array.isArray(tools)) return [];
  return tools
    .filter((t) => t?.type === 'function' && typeof t.name === 'string')
    .map((t) => ({ name: t.name, parameters: t.parameters }));
}

function responseToolChoice(choice: any): ToolChoice {
  if (choice === 'none' || choice === 'required' || choice === 'auto') return choice;
  if (choice?.type === 'function' && typeof choice.name === 'string') return { name: choice.name };
  return 'auto';
}

function inputTokens(body: any, input: any[]): number {
  let total = 3 + (typeof body.instructions === 'string' ? countTokens(body.instructions) + 3 : 0);
  for (const item of input) {
    total += 3;
    if (item.content !== undefined) total += countTokens(contentText(item.content));
    if (item.output !== undefined) total += countTokens(outputText(item.output));
    if (item.arguments !== undefined) total += countTokens(String(item.arguments));
  }
  if (Array.isArray(body.tools)) total += countTokens(JSON.stringify(body.tools));
  return total;
}
