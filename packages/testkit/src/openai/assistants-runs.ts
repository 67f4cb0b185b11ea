import {
  acceptToolOutputs,
  advance,
  creationEvents,
  newRunRecord,
  type RunEvent,
  requestCancel,
} from './assistants-run-engine.js';
import { planRun } from './assistants-run-plan.js';
import {
  type AssistantsState,
  activeRun,
  addMessages,
  assistantsState,
  badRequest,
  type Json,
  listPage,
  newThread,
  notFound,
  queryList,
  type RunRecord,
  withAssistant,
  withThread,
} from './assistants-store.js';
import { missingParameter } from './errors.js';
import type { OpenAIRoute, RouteContext } from './types.js';

/** Asks for the text of file search results in run steps (otherwise only file, name and score). */
export const FILE_SEARCH_CONTENT = 'step_details.tool_calls[*].file_search.results[*].content';

/**
 * Runs and run steps. A run moves one stage per `GET` of the run (queued → in_progress → each
 * tool step → requires_action or the message → its terminal state), so an app's polling loop sees
 * every state. With `stream: true` the run goes as far as it can at once and the stages are sent
 * as Assistants events, ending with `event: done` / `data: [DONE]`.
 */
export const runRoutes: OpenAIRoute[] = [
  { method: 'POST', path: '/threads/runs', handle: createThreadAndRun },
  { method: 'POST', path: '/threads/:thread_id/runs', handle: createRun },
  { method: 'GET', path: '/threads/:thread_id/runs', handle: listRuns },
  { method: 'GET', path: '/threads/:thread_id/runs/:run_id', handle: retrieveRun },
  { method: 'POST', path: '/threads/:thread_id/runs/:run_id', handle: updateRun },
  { method: 'POST', path: '/threads/:thread_id/runs/:run_id/cancel', handle: cancelRun },
  { method: 'POST', path: '/threads/:thread_id/runs/:run_id/submit_tool_outputs', handle: submitToolOutputs },
  { method: 'GET', path: '/threads/:thread_id/runs/:run_id/steps', handle: listSteps },
  { method: 'GET', path: '/threads/:thread_id/runs/:run_id/steps/:step_id', handle: retrieveStep },
];

async function createRun(ctx: RouteContext): Promise<void> {
  return withThread(ctx, (thread) => startRun(ctx, thread, []));
}

async function createThreadAndRun(ctx: RouteContext): Promise<void> {
  const state = assistantsState(ctx);
  if (!ctx.body?.assistant_id) return ctx.error(400, missingParameter('assistant_id'));
  if (!state.assistants.has(ctx.body.assistant_id)) return notFound(ctx, 'assistant', ctx.body.assistant_id);
  const thread = newThread(ctx.body.thread ?? {});
  state.threads.set(thread.id, thread);
  state.messages.set(thread.id, []);
  addMessages(state, thread.id, ctx.body.thread?.messages);
  return startRun(ctx, thread, [['thread.created', thread]]);
}

async function startRun(ctx: RouteContext, thread: Json, leading: RunEvent[]): Promise<void> {
  const state = assistantsState(ctx);
  const body = ctx.body ?? {};
  if (!body.assistant_id) return ctx.error(400, missingParameter('assistant_id'));
  return withAssistant(
    ctx,
    async (assistant): Promise<void> => {
      const blocking = activeRun(state, thread.id);
      if (blocking)
        return badRequest(ctx, `Thread ${thread.id} already has an active run ${blocking.run.id}.`);
      addMessages(state, thread.id, body.additional_messages);
      const plan = planRun(ctx, assistant, body, thread, state.messages.get(thread.id) ?? []);
      const record = newRunRecord(thread.id, assistant, body, plan, ctx.azure !== undefined);
      state.runs.set(record.run.id, record);
      if (body.stream === true) return streamRun(ctx, state, record, [...leading, ...creationEvents(record)]);
      ctx.json(200, record.run);
    },
    body.assistant_id,
  );
}

/** Sends the events of a run as far as it goes now, then `event: done` / `data: [DONE]`. */
async function streamRun(
  ctx: RouteContext,
  state: AssistantsState,
  record: RunRecord,
  leading: RunEvent[],
): Promise<void> {
  const sse = ctx.sse('named');
  const content = queryList(ctx, 'include').includes(FILE_SEARCH_CONTENT);
  for (const [event, data] of leading) {
    if (!(await sse.send(presentStep(data, content), event))) return;
  }
  // One stage at a time: if the client goes away, the rest stays for polling, as on the real service.
  while (record.stages.length && record.run.status !== 'requires_action') {
    for (const [event, data] of advance(state, record)) {
      if (!(await sse.send(presentStep(data, content), event))) return;
    }
    if (['completed', 'failed', 'cancelled', 'expired', 'incomplete'].includes(record.run.status)) break;
  }
  if (await sse.send('[DONE]', 'done')) sse.end();
}

function withRun<R>(ctx: RouteContext, fn: (record: RunRecord, state: AssistantsState) => R): R | undefined {
  return withThread(ctx, () => {
    const state = assistantsState(ctx);
    const record = state.runs.get(ctx.params.run_id);
    if (record && record.run.thread_id === ctx.params.thread_id) return fn(record, state);
    notFound(ctx, 'run', ctx.params.run_id);
    return undefined;
  });
}

function listRuns(ctx: RouteContext): void {
  withThread(ctx, (thread) => {
    const runs = [...assistantsState(ctx).runs.values()]
      .filter((r) => r.run.thread_id === thread.id)
      .map((r) => r.run);
    listPage(ctx, runs);
  });
}

function retrieveRun(ctx: RouteContext): void {
  withRun(ctx, (record, state) => {
    advance(state, record);
    ctx.json(200, record.run);
  });
}

function updateRun(ctx: RouteContext): void {
  withRun(ctx, (record) => {
    if (ctx.body?.metadata !== undefined) record.run.metadata = ctx.body.metadata;
    ctx.json(200, record.run);
  });
}

function cancelRun(ctx: RouteContext): void {
  withRun(ctx, (record) => {
    const refused = requestCancel(record);
    if (refused) return badRequest(ctx, refused);
    ctx.json(200, record.run);
  });
}

async function submitToolOutputs(ctx: RouteContext): Promise<void> {
  return withRun(ctx, async (record, state): Promise<void> => {
    const outputs = ctx.body?.tool_outputs;
    if (!Array.isArray(outputs)) return ctx.error(400, missingParameter('tool_outputs'));
    const refused = acceptToolOutputs(record, outputs);
    if (refused) return badRequest(ctx, refused, 'tool_outputs');
    if (ctx.body.stream === true)
      return streamRun(ctx, state, record, [['thread.run.queued', JSON.parse(JSON.stringify(record.run))]]);
    ctx.json(200, record.run);
  });
}

function listSteps(ctx: RouteContext): void {
  withRun(ctx, (record) => {
    const content = queryList(ctx, 'include').includes(FILE_SEARCH_CONTENT);
    listPage(
      ctx,
      record.steps.map((step) => presentStep(step, content)),
    );
  });
}

function retrieveStep(ctx: RouteContext): void {
  withRun(ctx, (record) => {
    const step = record.steps.find((s) => s.id === ctx.params.step_id);
    if (!step) return notFound(ctx, 'run step', ctx.params.step_id);
    ctx.json(200, presentStep(step, queryList(ctx, 'include').includes(FILE_SEARCH_CONTENT)));
  });
}

/** A step (or step delta) as sent: file search result text only when it was asked for with `include`. */
function presentStep(data: Json, content: boolean): Json {
  const calls = data?.step_details?.tool_calls ?? data?.delta?.step_details?.tool_calls;
  if (content || !Array.isArray(calls) || !calls.some((c: Json) => c?.type === 'file_search')) return data;
  const copy = JSON.parse(JSON.stringify(data));
  for (const call of copy.step_details?.tool_calls ?? copy.delta.step_details.tool_calls) {
    for (const result of call.file_search?.results ?? []) delete result.content;
  }
  return copy;
}
