import { missingParameter } from './errors.js';
import { makeId, unixSeconds } from './ids.js';
import { buildResponse } from './response-object.js';
import { planResponse } from './responses-plan.js';
import { streamResponse } from './responses-stream.js';
import type { OpenAIRoute, RouteContext } from './types.js';

/** `POST /responses`, `GET /responses/:id`, `DELETE /responses/:id` (Azure: `/openai/responses?api-version=`). */
export const responsesRoutes: OpenAIRoute[] = [
  { method: 'POST', path: '/responses', handle: createResponse },
  { method: 'GET', path: '/responses/:response_id', handle: retrieveResponse },
  { method: 'DELETE', path: '/responses/:response_id', handle: deleteResponse },
];

async function createResponse(ctx: RouteContext): Promise<void> {
  const body = ctx.body ?? {};
  const model: string | undefined = body.model ?? ctx.azure?.deployment;
  if (!model) return ctx.error(400, missingParameter('model'));
  if (body.input === undefined && body.previous_response_id === undefined && body.prompt === undefined) {
    return ctx.error(400, missingParameter('input'));
  }
  const plan = planResponse(body, ctx.knobs, model);
  const shell = { id: makeId('resp_', 48), createdAt: unixSeconds() };
  if (body.stream === true) return streamResponse(ctx, plan, shell, storeResponse);
  const response = buildResponse(body, plan, shell, 'final');
  storeResponse(ctx, response);
  ctx.json(200, response);
}

function retrieveResponse(ctx: RouteContext): void {
  const stored = responseStore(ctx).get(ctx.params.response_id);
  if (stored) ctx.json(200, stored);
  else ctx.error(404, notFound(ctx.params.response_id));
}

function deleteResponse(ctx: RouteContext): void {
  const id = ctx.params.response_id;
  if (responseStore(ctx).delete(id)) ctx.json(200, { id, object: 'response.deleted', deleted: true });
  else ctx.error(404, notFound(id));
}

const notFound = (id: string) => ({
  message: `Response with id '${id}' not found.`,
  param: null,
  code: null,
});

function responseStore(ctx: RouteContext): Map<string, unknown> {
  let store = ctx.store.get('responses');
  if (!store) {
    store = new Map();
    ctx.store.set('responses', store);
  }
  return store;
}

function storeResponse(ctx: RouteContext, response: { id: string }): void {
  if (ctx.body?.store !== false) responseStore(ctx).set(response.id, response);
}
