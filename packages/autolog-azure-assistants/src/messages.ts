// Thread messages in the chat shape traces use: `{ role, content }`, text parts joined.

/** A message as a trace shows it: the role and its text (or its parts, when not all are text). */
export interface ChatMessage {
  role: string;
  content: string | unknown[];
}

/**
 * A thread message — the API object (`content: [{ type: 'text', text: { value } }]`) or a message
 * as the app sends it (`content: 'text'` or `[{ type: 'text', text: 'text' }]`) — in chat shape.
 *
 * @example
 * toChatMessage({ role: 'assistant', content: [{ type: 'text', text: { value: 'Hi', annotations: [] } }] });
 * // → { role: 'assistant', content: 'Hi' }
 */
export function toChatMessage(message: any): ChatMessage {
  const role = typeof message?.role === 'string' ? message.role : 'user';
  const content = message?.content;
  if (typeof content === 'string') return { role, content };
  if (!Array.isArray(content)) return { role, content: '' };
  const parts = content.map(chatPart);
  if (parts.every((p) => p.type === 'text')) return { role, content: parts.map((p) => p.text).join('') };
  return { role, content: parts };
}

function chatPart(part: any): { type: string; [key: string]: unknown } {
  if (part?.type === 'text') {
    const text = typeof part.text === 'string' ? part.text : String(part.text?.value ?? '');
    return { type: 'text', text };
  }
  if (part?.type === 'refusal') return { type: 'refusal', refusal: part.refusal };
  return part && typeof part === 'object' ? part : { type: 'unknown', value: part };
}

/** The messages a list of messages from params (`threads.create`, `additional_messages`) adds, in chat shape. */
export function paramMessages(messages: unknown): ChatMessage[] {
  return Array.isArray(messages) ? messages.map(toChatMessage) : [];
}
