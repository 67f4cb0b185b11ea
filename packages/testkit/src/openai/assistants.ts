import { runRoutes } from './assistants-runs.js';
import {
  activeRun,
  addMessages,
  assistantsState,
  badRequest,
  listPage,
  newAssistant,
  newMessage,
  newThread,
  normalizeTool,
  notFound,
  withAssistant,
  withThread,
} from './assistants-store.js';
import { missingParameter } from './errors.js';
import type { OpenAIRoute, RouteContext } from './types.js';

/**
 * The Assistants API (beta, `OpenAI-Beta: assistants=v2`): assistants, threads and messages
 * here; runs and run steps in `assistants-runs.ts`. Served at `/v1/…` and on Azure at
 * `/openai/…?api-version=…` like every route. On Azure paths an assistant's `model` is the
 * deployment name, as Azure requires.
 */
export const assistantsRoutes: OpenAIRoute[] = [
  // First: `POST /threads/runs` (create and run) must win over `POST /threads/:thread_id`.
  ...runRoutes,
  { method: 'POST', path: '/assistants', handle: createAssistant },
  {
    method: 'GET',
    path: '/assistants',
    handle: (ctx) => listPage(ctx, [...assistantsState(ctx).assistants.values()]),
  },
  {
    method: 'GET',
    path: '/assistants/:assistant_id',
    handle: (ctx) => withAssistant(ctx, (a) => ctx.json(200, a)),
  },
  { method: 'POST', path: '/assistants/:assistant_id', handle: updateAssistant },
  {
    method: 'DELETE',
    path: '/assistants/:assistant_id',
    handle: (ctx) => deleteFrom(ctx, 'assistant', ctx.params.assistant_id),
  },
  { method: 'POST', path: '/threads', handle: createThread },
  { method: 'GET', path: '/threads/:thread_id', handle: (ctx) => withThread(ctx, (t) => ctx.json(200, t)) },
  { method: 'POST', path: '/threads/:thread_id', handle: updateThread },
  {
    method: 'DELETE',
    path: '/threads/:thread_id',
    handle: (ctx) => deleteFrom(ctx, 'thread', ctx.params.thread_id),
  },
  { method: 'POST', path: '/threads/:thread_id/messages', handle: createMessage },
  { method: 'GET', path: '/threads/:thread_id/messages', handle: listMessages },
  {
    method: 'GET',
    path: '/threads/:thread_id/messages/:message_id',
    handle: (ctx) => withMessage(ctx, (m) => ctx.json(200, m)),
  },
  { method: 'POST', path: '/threads/:thread_id/messages/:message_id', handle: updateMessage },
  { method: 'DELETE', path: '/threads/:thread_id/messages/:message_id', handle: deleteMessage },
];

function createAssistant(ctx: RouteContext): void {
  const body = ctx.body ?? {};
  const model: string | undefined = body.model ?? ctx.azure?.deployment;
  if (!model) {
    ctx.error(400, missingParameter('model'));
    return;
  }
  const assistant = newAssistant(body, model);
  assistantsState(ctx).assistants.set(assistant.id, assistant);
  ctx.json(200, assistant);
}

function updateAssistant(ctx: RouteContext): void {
  withAssistant(ctx, (assistant) => {
    const body = ctx.body ?? {};
    for (const key of [
      'name',
      'description',
      'model',
      'instructions',
      'tool_resources',
      'metadata',
      'top_p',
      'temperature',
      'response_format',
    ]) {
      if (body[key] !== undefined) assistant[key] = body[key];
    }
    if (Array.isArray(body.tools)) assistant.tools = body.tools.map(normalizeTool);
    ctx.json(200, assistant);
  });
}

function createThread(ctx: RouteContext): void {
  const state = assistantsState(ctx);
  const thread = newThread(ctx.body ?? {});
  state.threads.set(thread.id, thread);
  state.messages.set(thread.id, []);
  addMessages(state, thread.id, ctx.body?.messages);
  ctx.json(200, thread);
}

function updateThread(ctx: RouteContext): void {
  withThread(ctx, (thread) => {
    if (ctx.body?.metadata !== undefined) thread.metadata = ctx.body.metadata;
    if (ctx.body?.tool_resources !== undefined) thread.tool_resources = ctx.body.tool_resources;
    ctx.json(200, thread);
  });
}

function createMessage(ctx: RouteContext): void {
  withThread(ctx, (thread) => {
    const state = assistantsState(ctx);
    const body = ctx.body ?? {};
    if (body.role !== 'user' && body.role !== 'assistant') return ctx.error(400, missingParameter('role'));
    if (body.content === undefined) return ctx.error(400, missingParameter('content'));
    const blocking = activeRun(state, thread.id);
    if (blocking)
      return badRequest(ctx, `Can't add messages to ${thread.id} while a run ${blocking.run.id} is active.`);
    const message = newMessage(thread.id, {
      role: body.role,
      content: body.content,
      attachments: body.attachments,
      metadata: body.metadata,
    });
    state.messages.get(thread.id)!.push(message);
    ctx.json(200, message);
  });
}

function listMessages(ctx: RouteContext): void {
  withThread(ctx, (thread) => {
    const all = assistantsState(ctx).messages.get(thread.id) ?? [];
    listPage(ctx, ctx.query.run_id ? all.filter((m) => m.run_id === ctx.query.run_id) : all);
  });
}

function updateMessage(ctx: RouteContext): void {
  withMessage(ctx, (message) => {
    if (ctx.body?.metadata !== undefined) message.metadata = ctx.body.metadata;
    ctx.json(200, message);
  });
}

function deleteMessage(ctx: RouteContext): void {
  withMessage(ctx, (message) => {
    const list = assistantsState(ctx).messages.get(message.thread_id)!;
    list.splice(list.indexOf(message), 1);
    ctx.json(200, { id: message.id, object: 'thread.message.deleted', deleted: true });
  });
}

function deleteFrom(ctx: RouteContext, kind: 'assistant' | 'thread', id: string): void {
  const state = assistantsState(ctx);
  const map = kind === 'assistant' ? state.assistants : state.threads;
  if (!map.delete(id)) {
    notFound(ctx, kind, id);
    return;
  }
  if (kind === 'thread') state.messages.delete(id);
  ctx.json(200, { id, object: `${kind}.deleted`, deleted: true });
}

function withMessage(ctx: RouteContext, fn: (message: any) => void): void {
  withThread(ctx, (thread) => {
    const message = assistantsState(ctx)
      .messages.get(thread.id)
      ?.find((m) => m.id === ctx.params.message_id);
    if (!message) return notFound(ctx, 'message', ctx.params.message_id);
    fn(message);
  });
}
