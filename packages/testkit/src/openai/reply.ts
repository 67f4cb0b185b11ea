// How the fake model answers. Everything is derived from the request, so tests can predict it.
import { sampleFromSchema } from './json-schema-sample.js';

/** A function tool, from either API's tool shape. */
export interface ToolDef {
  name: string;
  parameters?: unknown;
}

/** Normalized `tool_choice`: a mode, or one named function. */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

/** The user's message asks for a tool when it contains the word "tool" or "tools". */
export const TOOL_TRIGGER = /\btools?\b/i;
/** "all tools" calls every tool (parallel tool calls) instead of one. */
export const ALL_TOOLS_TRIGGER = /\ball tools\b/i;

/** Text of the reply to user text `text`, for choice `index` (choices past the first are numbered). */
export function echoText(text: string, index = 0): string {
  return index === 0 ? `Echo: ${text}` : `Echo ${index + 1}: ${text}`;
}

/** The answer after a tool result. */
export function toolResultText(output: string): string {
  return `The tool returned: ${output}`;
}

/**
 * The tools the model calls for a user turn: none unless the request has tools and either
 * `tool_choice` forces one (`required`, or a named function) or the text matches {@link TOOL_TRIGGER}.
 * The tool is the one named in the text, else the first; "all tools" calls each of them.
 */
export function chooseTools(tools: ToolDef[], choice: ToolChoice, text: string, parallel = true): ToolDef[] {
  if (tools.length === 0 || choice === 'none') return [];
  if (typeof choice === 'object') {
    const named = tools.find((t) => t.name === choice.name);
    return named ? [named] : [];
  }
  if (choice !== 'required' && !TOOL_TRIGGER.test(text)) return [];
  if (parallel && ALL_TOOLS_TRIGGER.test(text)) return tools;
  const mentioned = tools.find((t) => text.includes(t.name));
  return [mentioned ?? tools[0]];
}

/** JSON arguments for a tool call: a sample of the tool's parameter schema. */
export function toolArguments(tool: ToolDef): string {
  const args = tool.parameters ? sampleFromSchema(tool.parameters, 'value') : {};
  return JSON.stringify(args && typeof args === 'object' ? args : {});
}

/** Structured output: JSON for a `json_schema` format, `{"reply":...}` for `json_object`, else the text. */
export function formatReply(format: any, text: string): string {
  if (format?.type === 'json_schema') {
    const schema = format.json_schema?.schema ?? format.schema;
    return JSON.stringify(sampleFromSchema(schema ?? { type: 'object' }));
  }
  if (format?.type === 'json_object') return JSON.stringify({ reply: text });
  return text;
}

/** Text of a message `content`: a string, or the `text` of its text parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (typeof part === 'string' ? part : typeof part?.text === 'string' ? part.text : ''))
    .join('');
}

/** o-series and gpt-5 models report reasoning tokens. */
export function isReasoningModel(model: string | undefined): boolean {
  return typeof model === 'string' && /^(o\d|gpt-5)/i.test(model) && !/chat/i.test(model);
}

/** `reasoning_tokens` to report for a model, unless a knob sets it. */
export function reasoningTokensFor(model: string | undefined, override?: number): number {
  if (override !== undefined) return override;
  return isReasoningModel(model) ? 16 : 0;
}
