import type { OpenAIRoute, RouteContext } from './types.js';

const MODELS: Array<[id: string, ownedBy: string]> = [
  ['gpt-4o', 'system'],
  ['gpt-4o-mini', 'system'],
  ['gpt-4.1', 'system'],
  ['gpt-4.1-mini', 'system'],
  ['gpt-5', 'system'],
  ['o3-mini', 'system'],
  ['gpt-3.5-turbo-instruct', 'system'],
  ['text-embedding-3-small', 'system'],
  ['text-embedding-3-large', 'system'],
  ['text-embedding-ada-002', 'openai-internal'],
];

const CREATED = 1_700_000_000;

const model = ([id, ownedBy]: [string, string]) => ({
  id,
  object: 'model',
  created: CREATED,
  owned_by: ownedBy,
});

/** `GET /models` and `GET /models/:model`. Any model id is accepted elsewhere; this list is only for listing. */
export const modelsRoutes: OpenAIRoute[] = [
  {
    method: 'GET',
    path: '/models',
    handle: (ctx) => ctx.json(200, { object: 'list', data: MODELS.map(model) }),
  },
  { method: 'GET', path: '/models/:model', handle: retrieveModel },
];

function retrieveModel(ctx: RouteContext): void {
  const found = MODELS.find(([id]) => id === ctx.params.model);
  if (found) {
    ctx.json(200, model(found));
    return;
  }
  ctx.error(404, {
    message: `The model '${ctx.params.model}' does not exist`,
    param: 'model',
    code: 'model_not_found',
  });
}
