/**
 * Converters from LangChain's objects (messages, prompt values, documents) to the plain shapes
 * recorded on spans. Messages become OpenAI-style chat messages (`role`, `content`, `tool_calls`),
 * the format MLflow renders as a chat. Duck-typed: no runtime import of `@langchain/core`.
 */

/** An OpenAI-style chat message as recorded on spans. */
export interface ChatMessageRecord {
  role: string;
  content: unknown;
  name?: string;
  id?: string;
  tool_calls?: Array<{ id?: string; type: 'function'; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
}

const ROLES: Record<string, string> = {
  human: 'user',
  ai: 'assistant',
  system: 'system',
  tool: 'tool',
  function: 'function',
  developer: 'developer',
  remove: 'remove',
};

function messageType(value: any): string | undefined {
  try {
    if (typeof value.getType === 'function') return value.getType();
    if (typeof value._getType === 'function') return value._getType();
  } catch {
    // fall through
  }
  return undefined;
}

/** True for a LangChain message object (`HumanMessage`, `AIMessageChunk`, …). */
export function isMessage(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    'content' in value &&
    (typeof (value as any)._getType === 'function' || typeof (value as any).getType === 'function')
  );
}

/** A LangChain message as an OpenAI-style chat message. */
export function toChatMessage(message: any): ChatMessageRecord {
  const type = messageType(message) ?? 'unknown';
  const role = type === 'generic' && typeof message.role === 'string' ? message.role : (ROLES[type] ?? type);
  const out: ChatMessageRecord = { role, content: message.content };
  if (typeof message.name === 'string' && message.name) out.name = message.name;
  if (typeof message.id === 'string' && message.id) out.id = message.id;
  if (Array.isArray(message.tool_calls) && message.tool_calls.length) {
    out.tool_calls = message.tool_calls.map((call: any) => ({
      ...(call?.id ? { id: call.id } : {}),
      type: 'function' as const,
      function: {
        name: String(call?.name ?? ''),
        arguments: typeof call?.args === 'string' ? call.args : safeJson(call?.args ?? {}),
      },
    }));
  }
  if (typeof message.tool_call_id === 'string') out.tool_call_id = message.tool_call_id;
  return out;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}

/** True for a LangChain `Document`. */
export function isDocument(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as any).pageContent === 'string' &&
    'metadata' in value
  );
}

/** A document in MLflow's retriever shape. */
export function toDocumentRecord(doc: any): { page_content: string; metadata: unknown; id?: string } {
  const out: { page_content: string; metadata: unknown; id?: string } = {
    page_content: doc.pageContent,
    metadata: doc.metadata ?? {},
  };
  if (typeof doc.id === 'string' && doc.id) out.id = doc.id;
  return out;
}

const MAX_DEPTH = 4;
const MAX_ITEMS = 200;

/**
 * Replaces messages, prompt values and documents found in a run's inputs or outputs (LangGraph
 * state, prompt results, chain dicts) by their plain shapes. Copies only the containers on the
 * way to a replaced value; everything else is left for the core serialiser.
 */
export function toRecordable(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null) return value;
  try {
    if (isMessage(value)) return toChatMessage(value);
    if (isDocument(value)) return toDocumentRecord(value);
    const v = value as any;
    if (v.lc_namespace?.[1] === 'prompt_values') {
      if (Array.isArray(v.messages)) return { messages: v.messages.map(toChatMessage) };
      if (typeof v.value === 'string') return v.value;
    }
    if (depth >= MAX_DEPTH) return value;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      const n = Math.min(value.length, MAX_ITEMS);
      for (let i = 0; i < n; i++) {
        const item = value[i];
        const next = toRecordable(item, depth + 1);
        if (next === item) continue;
        copy ??= value.slice();
        copy[i] = next;
      }
      return copy ?? value;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    let copy: Record<string, unknown> | undefined;
    let seen = 0;
    for (const key in v) {
      if (++seen > MAX_ITEMS) break;
      const item = v[key];
      const next = toRecordable(item, depth + 1);
      if (next === item) continue;
      copy ??= { ...(v as Record<string, unknown>) };
      copy[key] = next;
    }
    return copy ?? value;
  } catch {
    return value;
  }
}
