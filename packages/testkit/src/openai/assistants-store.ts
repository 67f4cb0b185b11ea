// State of the Assistants API for one server: assistants, threads, their messages, runs and steps.
import type { RunPlan } from './assistants-run-plan.js';
import { makeId, unixSeconds } from './ids.js';
import type { RouteContext } from './types.js';

export type Json = Record<string, any>;

/** A run and what the server still has to do with it (see `assistants-run-engine.ts`). */
export interface RunRecord {
  run: Json;
  /** Steps in creation order (the API lists them newest first by default). */
  steps: Json[];
  /** Stages left; the next poll applies the first one. */
  stages: string[];
  /** Everything decided at creation: tool calls, reply, outcome, token counts. */
  plan: RunPlan;
  /** The request was on an Azure path (Azure-only fields are added). */
  azure: boolean;
}

export interface AssistantsState {
  assistants: Map<string, Json>;
  threads: Map<string, Json>;
  /** Messages per thread, oldest first. */
  messages: Map<string, Json[]>;
  runs: Map<string, RunRecord>;
}

/** The Assistants state kept in the server's store (cleared by `server.reset()`). */
export function assistantsState(ctx: RouteContext): AssistantsState {
  const bag = ctx.store.get('assistants') as Map<string, unknown> | undefined;
  const existing = bag?.get('state') as AssistantsState | undefined;
  if (existing) return existing;
  const state: AssistantsState = {
    assistants: new Map(),
    threads: new Map(),
    messages: new Map(),
    runs: new Map(),
  };
  ctx.store.set('assistants', new Map([['state', state]]));
  return state;
}

/** OpenAI's 404 wording for an unknown Assistants object (`No thread found with id 'thread_x'.`). */
export function notFound(ctx: RouteContext, kind: string, id: string): void {
  ctx.error(404, {
    message: `No ${kind} found with id '${id}'.`,
    type: 'invalid_request_error',
    param: null,
    code: null,
  });
}

export function badRequest(ctx: RouteContext, message: string, param: string | null = null): void {
  ctx.error(400, { message, type: 'invalid_request_error', param, code: null });
}

/** Cursor pagination as the API does it: `limit` (1–100, default 20), `order` (default `desc`), `after`, `before`. */
export function listPage(ctx: RouteContext, items: Json[]): void {
  const limit = Math.min(100, Math.max(1, Number(ctx.query.limit ?? 20) || 20));
  let ordered = ctx.query.order === 'asc' ? [...items] : [...items].reverse();
  if (ctx.query.after) {
    const at = ordered.findIndex((item) => item.id === ctx.query.after);
    ordered = at >= 0 ? ordered.slice(at + 1) : [];
  }
  if (ctx.query.before) {
    const at = ordered.findIndex((item) => item.id === ctx.query.before);
    ordered = at >= 0 ? ordered.slice(0, at).slice(-limit) : [];
  }
  const data = ordered.slice(0, limit);
  ctx.json(200, {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: ordered.length > data.length,
  });
}

/** A query parameter that may be sent as `name[]` (the SDK's array format) or `name`. */
export function queryList(ctx: RouteContext, name: string): string[] {
  const raw = ctx.query[`${name}[]`] ?? ctx.query[name];
  return raw === undefined ? [] : String(raw).split(',');
}

export function newAssistant(body: Json, model: string): Json {
  return {
    id: makeId('asst_'),
    object: 'assistant',
    created_at: unixSeconds(),
    name: body.name ?? null,
    description: body.description ?? null,
    model,
    instructions: body.instructions ?? null,
    tools: Array.isArray(body.tools) ? body.tools.map(normalizeTool) : [],
    tool_resources: body.tool_resources ?? {},
    metadata: body.metadata ?? {},
    top_p: body.top_p ?? 1,
    temperature: body.temperature ?? 1,
    reasoning_effort: body.reasoning_effort ?? null,
    response_format: body.response_format ?? 'auto',
  };
}

/** Tools come back with their defaults filled in, as the API returns them. */
export function normalizeTool(tool: Json): Json {
  if (tool?.type === 'file_search') {
    return {
      type: 'file_search',
      file_search: {
        ranking_options: { ranker: 'default_2024_08_21', score_threshold: 0 },
        ...tool.file_search,
      },
    };
  }
  if (tool?.type === 'function') {
    return {
      type: 'function',
      function: { description: null, parameters: null, strict: false, ...tool.function },
    };
  }
  return tool;
}

export function newThread(body: Json): Json {
  return {
    id: makeId('thread_'),
    object: 'thread',
    created_at: unixSeconds(),
    metadata: body?.metadata ?? {},
    tool_resources: body?.tool_resources ?? {},
  };
}

/** Message content in the API's shape: a string becomes one text part. */
export function messageContent(content: unknown): Json[] {
  if (typeof content === 'string') return [textPart(content)];
  if (!Array.isArray(content)) return [];
  return content.map((part: Json) => {
    if (part?.type === 'text')
      return textPart(typeof part.text === 'string' ? part.text : String(part.text?.value ?? ''));
    return part;
  });
}

export function textPart(value: string): Json {
  return { type: 'text', text: { value, annotations: [] } };
}

/** Joined text of a message's text parts. */
export function messageText(message: Json): string {
  return (message.content ?? [])
    .filter((part: Json) => part?.type === 'text')
    .map((part: Json) => part.text?.value ?? '')
    .join('');
}

export function newMessage(
  threadId: string,
  fields: {
    role: string;
    content: unknown;
    attachments?: unknown;
    metadata?: unknown;
    assistantId?: string | null;
    runId?: string | null;
    status?: string;
  },
): Json {
  const now = unixSeconds();
  const status = fields.status ?? 'completed';
  return {
    id: makeId('msg_'),
    object: 'thread.message',
    created_at: now,
    assistant_id: fields.assistantId ?? null,
    thread_id: threadId,
    run_id: fields.runId ?? null,
    role: fields.role,
    content: messageContent(fields.content),
    attachments: Array.isArray(fields.attachments) ? fields.attachments : [],
    metadata: fields.metadata ?? {},
    status,
    incomplete_details: null,
    completed_at: status === 'completed' ? now : null,
    incomplete_at: null,
  };
}

/** Adds user messages (from `threads.create`, `createAndRun` or `additional_messages`) to a thread. */
export function addMessages(state: AssistantsState, threadId: string, messages: unknown): Json[] {
  if (!Array.isArray(messages)) return [];
  const list = state.messages.get(threadId) ?? [];
  state.messages.set(threadId, list);
  const added = messages.map((m: Json) =>
    newMessage(threadId, {
      role: m?.role ?? 'user',
      content: m?.content,
      attachments: m?.attachments,
      metadata: m?.metadata,
    }),
  );
  list.push(...added);
  return added;
}

/** The run that blocks a thread (not yet in a terminal state), if any. */
export function activeRun(state: AssistantsState, threadId: string): RunRecord | undefined {
  for (const record of state.runs.values()) {
    if (record.run.thread_id === threadId && !TERMINAL.has(record.run.status)) return record;
  }
  return undefined;
}

export const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'expired', 'incomplete']);

/** Calls `fn` with the assistant named in the path (or `id`), or answers 404. */
export function withAssistant<R>(
  ctx: RouteContext,
  fn: (assistant: any) => R,
  id: string = ctx.params.assistant_id,
): R | undefined {
  const assistant = assistantsState(ctx).assistants.get(id);
  if (!assistant) {
    notFound(ctx, 'assistant', id);
    return undefined;
  }
  return fn(assistant);
}

/** Calls `fn` with the thread named in the path, or answers 404. */
export function withThread<R>(ctx: RouteContext, fn: (thread: any) => R): R | undefined {
  const thread = assistantsState(ctx).threads.get(ctx.params.thread_id);
  if (!thread) {
    notFound(ctx, 'thread', ctx.params.thread_id);
    return undefined;
  }
  return fn(thread);
}
