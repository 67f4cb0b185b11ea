import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { azureGatewayErrorBody, resolveApiPath } from './azure.js';
import { invalidUrlBody, MISSING_KEY_MESSAGE, openAIErrorBody } from './errors.js';
import { FailureQueue } from './failures.js';
import { makeRequestId } from './ids.js';
import { readKnobs } from './knobs.js';
import { recordRequest } from './recording.js';
import { builtInRoutes, matchRoute } from './routes.js';
import { sleep } from './sleep.js';
import { createSseWriter } from './sse.js';
import type {
  FailureSpec,
  OpenAIServer,
  OpenAIServerOptions,
  RecordedRequest,
  RouteContext,
} from './types.js';

const INVALID_JSON_MESSAGE =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)";

/**
 * Starts a local OpenAI / Azure OpenAI server on loopback that the real `openai` client talks to
 * unchanged: chat completions, responses, embeddings, legacy completions and models, with SSE
 * streaming, usage, tool calls, structured outputs and OpenAI-shaped errors.
 *
 * @example
 * ```ts
 * const server = await startOpenAIServer({ apiKey: 'sk-test' });
 * const client = new OpenAI({ baseURL: server.url, apiKey: 'sk-test' });
 * const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
 * completion.choices[0].message.content; // 'Echo: Hi'
 * await server.close();
 * ```
 */
export async function startOpenAIServer(options: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const routes = [...(options.routes ?? []), ...builtInRoutes];
  const requests: RecordedRequest[] = [];
  const failures = new FailureQueue();
  const store = new Map<string, Map<string, unknown>>();
  const inFlight = new Set<Promise<void>>();
  const defaults = { latencyMs: options.latencyMs ?? 0, chunkDelayMs: options.chunkDelayMs ?? 0 };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const query = Object.fromEntries(url.searchParams);
    const { body, invalidJson } = parseBody(await readBody(req), req.headers);
    const target = resolveApiPath(url.pathname, query);
    const isAzure = url.pathname.startsWith('/openai/');
    const azure = typeof target === 'object' ? target.azure : isAzure ? { v1: false } : undefined;
    const record = recordRequest({
      method,
      path: url.pathname,
      query,
      headers: req.headers,
      body,
      azure,
      apiKey: options.apiKey,
    });
    requests.push(record);

    const controller = new AbortController();
    res.on('close', () => {
      if (res.writableFinished) return;
      record.response.aborted = true;
      controller.abort();
    });
    const knobs = readKnobs(req.headers, body, defaults);
    await sleep(knobs.latencyMs, controller.signal);
    if (controller.signal.aborted) return;

    const headers = baseHeaders(isAzure);
    const json = (status: number, payload: unknown, extra: Record<string, string> = {}) => {
      if (res.headersSent || controller.signal.aborted) return;
      record.response.status = status;
      res.writeHead(status, {
        ...headers,
        'openai-processing-ms': String(Date.now() - started),
        'content-type': 'application/json',
        ...extra,
      });
      res.end(JSON.stringify(payload));
      record.response.finished = true;
    };

    if (options.apiKey !== undefined) {
      const auth = checkAuth(req.headers, options.apiKey, isAzure);
      if (auth !== 'ok') {
        const fields = auth === 'missing' && !isAzure ? { message: MISSING_KEY_MESSAGE, code: null } : {};
        return json(401, (isAzure && azureGatewayErrorBody(401)) || openAIErrorBody(401, fields));
      }
    }
    if (invalidJson) return json(400, openAIErrorBody(400, { message: INVALID_JSON_MESSAGE }));

    const failure = failures.take(url.pathname, (body as any)?.stream === true);
    if (failure && failure.afterEvents === undefined) {
      const { payload, extra } = failureResponse(failure, isAzure);
      return json(failure.status, payload, extra);
    }
    if (target === 'missing-api-version')
      return json(404, { error: { code: '404', message: 'Resource not found' } });
    const match = target ? matchRoute(routes, method, target.apiPath) : undefined;
    if (!target || !match) return json(404, invalidUrlBody(method, url.pathname));

    const ctx: RouteContext = {
      method,
      path: target.apiPath,
      params: match.params,
      query,
      headers: req.headers,
      body,
      azure,
      knobs,
      signal: controller.signal,
      store,
      json: (status, payload) => json(status, payload),
      error: (status, fields) => json(status, openAIErrorBody(status, fields)),
      sse: (flavor = 'data') =>
        createSseWriter({
          res,
          signal: controller.signal,
          headers: { ...headers, 'openai-processing-ms': String(Date.now() - started) },
          record: record.response,
          chunkDelayMs: knobs.chunkDelayMs,
          flavor,
          failure: failure?.afterEvents === undefined ? undefined : failure,
        }),
    };
    await match.route.handle(ctx);
  };

  const server = createServer((req, res) => {
    const task: Promise<void> = handle(req, res)
      .catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify(openAIErrorBody(500, { message: `testkit: ${String(error)}` })));
        } else if (!res.writableEnded) {
          res.destroy();
        }
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  });
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const origin = `http://${options.host ?? '127.0.0.1'}:${port}`;

  return {
    url: `${origin}/v1`,
    azureEndpoint: origin,
    port,
    requests,
    failNext: (spec) => failures.add(spec),
    reset() {
      requests.length = 0;
      failures.clear();
      store.clear();
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseBody(raw: Buffer, headers: IncomingHttpHeaders): { body: unknown; invalidJson: boolean } {
  if (raw.length === 0) return { body: undefined, invalidJson: false };
  const text = raw.toString('utf8');
  try {
    return { body: JSON.parse(text), invalidJson: false };
  } catch {
    return { body: text, invalidJson: /json/i.test(headers['content-type'] ?? '') };
  }
}

function checkAuth(headers: IncomingHttpHeaders, key: string, azure: boolean): 'ok' | 'missing' | 'wrong' {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1]?.trim();
  const apiKey = azure ? headers['api-key'] : undefined;
  if (bearer === undefined && apiKey === undefined) return 'missing';
  return bearer === key || apiKey === key ? 'ok' : 'wrong';
}

function baseHeaders(azure: boolean): Record<string, string> {
  return {
    'x-request-id': makeRequestId(),
    'openai-version': '2020-10-01',
    'openai-organization': 'user-testkit',
    'x-ratelimit-limit-requests': '10000',
    'x-ratelimit-remaining-requests': '9999',
    'x-ratelimit-reset-requests': '6ms',
    'x-ratelimit-limit-tokens': '30000000',
    'x-ratelimit-remaining-tokens': '29999000',
    'x-ratelimit-reset-tokens': '2ms',
    ...(azure ? { 'apim-request-id': randomUUID(), 'x-ms-region': 'testkit' } : {}),
  };
}

function failureResponse(
  spec: FailureSpec,
  azure: boolean,
): { payload: unknown; extra: Record<string, string> } {
  const extra: Record<string, string> = {};
  if (spec.retryAfter !== undefined) {
    extra['retry-after'] = String(spec.retryAfter);
    if (azure) extra['retry-after-ms'] = String(Math.round(spec.retryAfter * 1000));
  }
  const customized = [spec.message, spec.type, spec.param, spec.code].some((v) => v !== undefined);
  const payload =
    (azure && !customized && azureGatewayErrorBody(spec.status, spec.retryAfter)) ||
    openAIErrorBody(spec.status, spec);
  return { payload, extra };
}
