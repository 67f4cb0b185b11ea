/**
 * The JSON API under `/api/`: trace list and trace, feedback and expectations, sessions and
 * statistics. Writes are checked by the caller (`checkWrite`) before they get here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, readJsonBody, sendJson } from './http-util.js';
import type { ViewerStore } from './viewer-store.js';

/** What the handlers need besides the request. */
export interface ApiContext {
  data: ViewerStore;
  reviewer: string;
  /** Experiments the viewer is restricted to (`experimentId` option), if any. */
  fixedExperiment: string | undefined;
  storePath: string;
}

const MAX_PAGE_SIZE = 200;
const DEFAULT_PAGE_SIZE = 50;
const MAX_NAME_CHARS = 200;
const MAX_RATIONALE_CHARS = 10_000;

function badRequest(message: string): HttpError {
  return new HttpError(400, 'INVALID_ARGUMENT', message);
}

/** Experiments of a request: `?exp=1,2`, restricted to the fixed one, else the newest. */
function experimentsOf(ctx: ApiContext, params: URLSearchParams): string[] {
  if (ctx.fixedExperiment) return [ctx.fixedExperiment];
  const ids = (params.get('exp') ?? '').split(',').filter((id) => id !== '');
  return ids.length ? ids : [ctx.data.newestExperiment()];
}

function optionalText(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  return value === null || value.trim() === '' ? undefined : value;
}

function intParam(params: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw badRequest(`"${name}" must be an integer from 1 to ${max}, got ${JSON.stringify(raw)}.`);
  return n;
}

function nameOf(body: Record<string, unknown>): string {
  const { name } = body;
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME_CHARS) {
    throw badRequest(`"name" must be a non-empty string of at most ${MAX_NAME_CHARS} characters.`);
  }
  return name.trim();
}

function optionalBodyString(body: Record<string, unknown>, key: string, max: number): string | undefined {
  const value = body[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > max)
    throw badRequest(`"${key}" must be a string of at most ${max} characters.`);
  return value;
}

function config(ctx: ApiContext): unknown {
  return {
    experiments: ctx.data.experiments(),
    defaultExperimentIds: ctx.fixedExperiment ? [ctx.fixedExperiment] : [ctx.data.newestExperiment()],
    fixedExperiment: ctx.fixedExperiment ?? null,
    reviewer: ctx.reviewer,
    storePath: ctx.storePath,
  };
}

async function postFeedback(ctx: ApiContext, traceId: string, req: IncomingMessage): Promise<unknown> {
  const body = await readJsonBody(req);
  const { value } = body;
  const ok =
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value)) ||
    (typeof value === 'string' && value.length <= MAX_NAME_CHARS);
  if (!ok)
    throw badRequest(
      '"value" must be true/false (thumbs), a finite number (a score) or a short string (a label).',
    );
  const assessment = await ctx.data.logFeedback({
    traceId,
    name: nameOf(body),
    value: value as boolean | number | string,
    rationale: optionalBodyString(body, 'rationale', MAX_RATIONALE_CHARS),
    spanId: optionalBodyString(body, 'spanId', MAX_NAME_CHARS),
    reviewer: ctx.reviewer,
  });
  return { assessment };
}

async function postExpectation(ctx: ApiContext, traceId: string, req: IncomingMessage): Promise<unknown> {
  const body = await readJsonBody(req);
  if (!('value' in body) || body.value === undefined)
    throw badRequest('"value" is required (any JSON value).');
  const assessment = await ctx.data.logExpectation({
    traceId,
    name: nameOf(body),
    value: body.value,
    rationale: optionalBodyString(body, 'rationale', MAX_RATIONALE_CHARS),
    spanId: optionalBodyString(body, 'spanId', MAX_NAME_CHARS),
    reviewer: ctx.reviewer,
  });
  return { assessment };
}

/**
 * Answers an `/api/` request.
 * @returns false when no route matches.
 * @throws HttpError for bad input or unknown traces.
 */
export async function handleApi(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const parts = url.pathname.split('/').slice(2).map(decodeURIComponent);
  const params = url.searchParams;
  const method = req.method ?? 'GET';
  const [resource, id, sub] = parts;
  const reply = (body: unknown, status = 200) => {
    sendJson(res, status, body);
    return true;
  };

  if (method === 'GET' && parts.length === 1 && resource === 'config') return reply(config(ctx));
  if (resource === 'traces' && parts.length === 1 && method === 'GET') {
    return reply(
      await ctx.data.listTraces({
        experimentIds: experimentsOf(ctx, params),
        filterString: optionalText(params, 'q'),
        orderBy: optionalText(params, 'order'),
        pageSize: intParam(params, 'pageSize', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
        pageToken: optionalText(params, 'pageToken'),
      }),
    );
  }
  if (resource === 'traces' && id && parts.length === 2 && method === 'GET')
    return reply(ctx.data.getTrace(id));
  if (resource === 'traces' && id && parts.length === 3 && method === 'POST') {
    if (sub === 'feedback') return reply(await postFeedback(ctx, id, req), 201);
    if (sub === 'expectations') return reply(await postExpectation(ctx, id, req), 201);
  }
  if (resource === 'sessions' && parts.length === 1 && method === 'GET') {
    const sessions = await ctx.data.listSessions(
      experimentsOf(ctx, params),
      optionalText(params, 'q'),
      intParam(params, 'limit', 100, 1000),
    );
    return reply({ sessions });
  }
  if (resource === 'sessions' && id && parts.length === 2 && method === 'GET') {
    return reply(await ctx.data.sessionTimeline(id, experimentsOf(ctx, params)));
  }
  if (resource === 'stats' && parts.length === 1 && method === 'GET') {
    const interval = params.get('interval') ?? 'day';
    if (interval !== 'hour' && interval !== 'day')
      throw badRequest(`"interval" must be hour or day, got ${JSON.stringify(interval)}.`);
    return reply(
      await ctx.data.stats({
        experimentIds: experimentsOf(ctx, params),
        filterString: optionalText(params, 'q'),
        groupBy: optionalText(params, 'groupBy'),
        interval,
      }),
    );
  }
  return false;
}
