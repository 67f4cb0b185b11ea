/**
 * Reads chat messages out of span inputs and outputs so they can be shown as a conversation:
 * OpenAI chat format (`inputs.messages`, `outputs.choices[].message`, `tool_calls`, `tool`
 * messages), the Responses API (`inputs.input`, `outputs.output`), and plain message objects.
 */

export interface ToolCall {
  id?: string;
  name: string;
  /** The arguments as the model wrote them (usually JSON text). */
  arguments: string;
}

export interface ChatMessage {
  role: string;
  /** Text of the message; null for a message that only calls tools. */
  content: string | null;
  name?: string;
  toolCalls?: ToolCall[];
  /** For a `tool` message: the call it answers. */
  toolCallId?: string;
}

export interface Conversation {
  input: ChatMessage[];
  output: ChatMessage[];
  /** Names of the tools offered to the model. */
  tools: string[];
}

const isObject = (v: unknown): v is Record<string, any> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Text of a message `content`: a string, or the text parts of a parts array. */
export function contentText(content: unknown): string | null {
  if (content === null || content === undefined) return null;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const parts = content.map((p) => {
      if (typeof p === 'string') return p;
      if (!isObject(p)) return '';
      if (typeof p.text === 'string') return p.text;
      if (isObject(p.text) && typeof p.text.value === 'string') return p.text.value;
      if (typeof p.refusal === 'string') return `[refusal] ${p.refusal}`;
      if (p.type === 'image_url' || p.type === 'input_image') return '[image]';
      if (p.type === 'input_audio') return '[audio]';
      if (p.type === 'file' || p.type === 'input_file') return '[file]';
      return '';
    });
    return parts.filter(Boolean).join('\n');
  }
  return JSON.stringify(content);
}

function toolCallsOf(raw: unknown): ToolCall[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const calls = raw.filter(isObject).map((c): ToolCall => {
    const fn = isObject(c.function) ? c.function : c;
    const args = fn.arguments ?? fn.args ?? fn.input;
    return {
      id: typeof c.id === 'string' ? c.id : undefined,
      name: String(fn.name ?? c.type ?? 'tool'),
      arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
    };
  });
  return calls.length ? calls : undefined;
}

/** One message object in chat format, or undefined when `m` is not one. */
export function toChatMessage(m: unknown): ChatMessage | undefined {
  if (!isObject(m) || typeof m.role !== 'string') return undefined;
  const message: ChatMessage = { role: m.role, content: contentText(m.content) };
  if (typeof m.name === 'string') message.name = m.name;
  const calls =
    toolCallsOf(m.tool_calls) ??
    (isObject(m.function_call) ? toolCallsOf([{ function: m.function_call }]) : undefined);
  if (calls) message.toolCalls = calls;
  if (typeof m.tool_call_id === 'string') message.toolCallId = m.tool_call_id;
  return message;
}

function messagesOf(list: unknown): ChatMessage[] {
  return Array.isArray(list) ? list.map(toChatMessage).filter((m): m is ChatMessage => m !== undefined) : [];
}

/** Items of a Responses API `output` (messages and function calls) as chat messages. */
function responsesOutput(output: unknown[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const item of output) {
    if (!isObject(item)) continue;
    if (item.type === 'message')
      out.push({ role: String(item.role ?? 'assistant'), content: contentText(item.content) });
    else if (item.type === 'function_call') {
      out.push({
        role: 'assistant',
        content: null,
        toolCalls: [{ id: item.call_id, name: String(item.name), arguments: String(item.arguments ?? '') }],
      });
    }
  }
  return out;
}

function inputMessages(inputs: unknown): ChatMessage[] {
  if (!isObject(inputs)) return [];
  if (Array.isArray(inputs.messages)) return messagesOf(inputs.messages);
  const input = inputs.input;
  const out: ChatMessage[] = [];
  if (typeof inputs.instructions === 'string') out.push({ role: 'system', content: inputs.instructions });
  if (typeof input === 'string' && ('model' in inputs || 'instructions' in inputs))
    out.push({ role: 'user', content: input });
  else if (Array.isArray(input)) {
    for (const item of input) {
      const m = toChatMessage(item);
      if (m) out.push(m);
      else if (isObject(item) && item.type === 'function_call_output')
        out.push({ role: 'tool', content: contentText(item.output), toolCallId: item.call_id });
    }
  }
  return out;
}

function outputMessages(outputs: unknown): ChatMessage[] {
  if (Array.isArray(outputs)) return messagesOf(outputs);
  if (!isObject(outputs)) return [];
  if (Array.isArray(outputs.choices)) {
    return outputs.choices
      .map((c: unknown) => (isObject(c) ? toChatMessage(c.message) : undefined))
      .filter((m: ChatMessage | undefined): m is ChatMessage => m !== undefined);
  }
  if (Array.isArray(outputs.output)) return responsesOutput(outputs.output);
  if (Array.isArray(outputs.messages)) return messagesOf(outputs.messages);
  const single = toChatMessage(outputs) ?? toChatMessage(outputs.message);
  return single ? [single] : [];
}

function toolNames(inputs: unknown, attribute: unknown): string[] {
  const list =
    isObject(inputs) && Array.isArray(inputs.tools)
      ? inputs.tools
      : Array.isArray(attribute)
        ? attribute
        : [];
  return list
    .map((t: unknown) => (isObject(t) ? (isObject(t.function) ? t.function.name : t.name) : undefined))
    .filter((n: unknown): n is string => typeof n === 'string');
}

/**
 * The conversation of a span, or null when its inputs and outputs hold no chat messages.
 * @example
 * conversationOf({ messages: [{ role: 'user', content: 'Hi' }] }, { choices: [{ message: { role: 'assistant', content: 'Hello' } }] });
 */
export function conversationOf(
  inputs: unknown,
  outputs: unknown,
  toolsAttribute?: unknown,
): Conversation | null {
  const input = inputMessages(inputs);
  const output = outputMessages(outputs);
  if (input.length === 0 && output.length === 0) return null;
  return { input, output, tools: toolNames(inputs, toolsAttribute) };
}

const TEXT_KEYS = [
  'message',
  'question',
  'query',
  'input',
  'prompt',
  'text',
  'content',
  'answer',
  'response',
  'output',
  'output_text',
  'result',
];

/**
 * What a person said or got back in a turn, as text: the last user message of a chat request,
 * the assistant's reply of a completion, a string, or a lone text field (`message`, `question`, …).
 */
export function turnText(value: unknown, side: 'request' | 'response'): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  const messages = side === 'request' ? inputMessages(value) : outputMessages(value);
  const wanted =
    side === 'request'
      ? messages.filter((m) => m.role === 'user')
      : messages.filter((m) => m.role === 'assistant');
  const pick = wanted[wanted.length - 1] ?? messages[messages.length - 1];
  if (pick?.content) return pick.content;
  if (isObject(value)) {
    const strings = TEXT_KEYS.filter((k) => typeof value[k] === 'string');
    if (strings.length) return value[strings[0]] as string;
  }
  return JSON.stringify(value);
}
