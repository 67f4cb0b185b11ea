/**
 * Chat messages drawn as a conversation: one bubble per message, tool calls with their
 * arguments, tool results tied to their call.
 */
import type { ChatMessage, Conversation, ToolCall } from './chat-messages.js';
import { h } from './dom.js';

const ROLE_LABEL: Record<string, string> = {
  system: 'System',
  developer: 'Developer',
  user: 'User',
  assistant: 'Assistant',
  tool: 'Tool',
  function: 'Function',
};

function prettyArguments(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function toolCallView(call: ToolCall): HTMLElement {
  return h(
    'div',
    { class: 'tool-call' },
    h(
      'div',
      { class: 'tool-call-head' },
      h('span', { class: 'tool-icon', 'aria-hidden': 'true' }, '⚙'),
      'Calls ',
      h('strong', null, call.name),
      call.id ? h('span', { class: 'muted mono' }, ` ${call.id}`) : null,
    ),
    h('pre', { class: 'tool-args' }, prettyArguments(call.arguments)),
  );
}

/** One message bubble. */
export function messageView(m: ChatMessage): HTMLElement {
  const role = m.role.toLowerCase();
  const label = ROLE_LABEL[role] ?? m.role;
  return h(
    'div',
    { class: `msg msg-${ROLE_LABEL[role] ? role : 'other'}` },
    h(
      'div',
      { class: 'msg-role' },
      label,
      m.name ? h('span', { class: 'muted' }, ` · ${m.name}`) : null,
      m.toolCallId ? h('span', { class: 'muted mono' }, ` · result of ${m.toolCallId}`) : null,
    ),
    m.content ? h('div', { class: 'msg-text' }, m.content) : null,
    (m.toolCalls ?? []).map(toolCallView),
  );
}

/** The input messages, then the model's reply, with the offered tools listed. */
export function conversationView(c: Conversation): HTMLElement {
  return h(
    'div',
    { class: 'conversation' },
    c.tools.length ? h('p', { class: 'muted tools-offered' }, `Tools offered: ${c.tools.join(', ')}`) : null,
    c.input.map(messageView),
    c.output.length ? h('div', { class: 'reply-divider', role: 'separator' }, 'Reply') : null,
    c.output.map(messageView),
  );
}
