import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { BASIC_AUTH_MESSAGE, errorCodeFor } from './errors.js';
import { artifactRoutes } from './routes-artifacts.js';
import { assessmentRoutes } from './routes-assessments.js';
import { databricksRoutes } from './routes-databricks.js';
import { experimentRoutes } from './routes-experiments.js';
import { otlpRoutes } from './routes-otlp.js';
import { traceRoutes } from './routes-traces.js';
import { MlflowState } from './state.js';
import type {
  MlflowFailureSpec,
  MlflowRoute,
  MlflowServer,
  MlflowServerOptions,
  RecordedMlflowRequest,
  RouteContext,
} from './types.js';

const CREDENTIAL_HEADERS = /^(authorization|proxy-authorization|cookie|x-api-key)$/i;

function match(route: MlflowRoute, method: string, path: string): Record<string, string> | undefined {
  if (route.method !== method) return undefined;
  const want = route.path.split('/');
  const got = path.split('/');
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith('*')) {
      params[want[i].slice(1)] = got.slice(i).join('/');
      return got.length > i ? params : undefined;
    }
    if (i >= got.length) return undefined;
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(got[i]);
    else if (want[i] !== got[i]) return undefined;
  }
  return want.length === got.length ? params : undefined;
}

function authorized(req: IncomingMessage, options: MlflowServerOptions, state: MlflowState): boolean {
  const auth = options.auth;
  const header = req.headers.authorization ?? '';
  if (options.databricks?.oauth) {
    const expiry = header.startsWith('Bearer ') ? state.oauthTokens.get(header.slice(7)) : undefined;
    if (expiry !== undefined && expiry > Date.now()) return true;
  }
  // With OAuth on, a request without a valid token is refused unless another auth is configured.
  if (!auth) return !options.databricks?.oauth;
  if ('token' in auth) return header === `Bearer ${auth.token}`;
  const expected = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
  return header === `Basic ${expected}`;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Starts a local MLflow tracking server on loopback, faithful to the MLflow 3 REST protocol for
 * tracing: experiments (get, get-by-name, create), `StartTraceV3`, `GetTraceInfoV3`,
 * `SearchTracesV3` (the filter language, ordering, paging), `BatchGetTraces`, trace tags,
 * assessments, `DeleteTracesV3`, the artifacts proxy, the OTLP endpoint `/v1/traces`
 * (protobuf), and in Databricks mode the data-upload credentials and the signed storage they
 * point to. Errors are MLflow's `{"error_code","message"}` with its status codes; basic auth
 * answers like `mlflow server --app-name basic-auth`. Faults can be injected (`failNext`), and
 * the server can be stopped and started again on the same port with its state kept.
 *
 * @example
 * const mlflow = await startMlflowServer({ auth: { username: 'u', password: 'p' } });
 * process.env.MLFLOW_TRACKING_URI = mlflow.url;
 * // … trace, flush …
 * [...mlflow.state.traces.values()][0].info.tags['mlflow.traceName'];
 * await mlflow.close();
 */
export async function startMlflowServer(options: MlflowServerOptions = {}): Promise<MlflowServer> {
  const state = new MlflowState();
  const requests: RecordedMlflowRequest[] = [];
  const failures: Array<MlflowFailureSpec & { remaining: number }> = [];
  const inFlight = new Set<Promise<void>>();
  const routes = [
    ...experimentRoutes,
    ...traceRoutes,
    ...assessmentRoutes,
    ...artifactRoutes,
    ...otlpRoutes,
    ...(options.databricks ? databricksRoutes : []),
  ];
  let origin = '';

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, CREDENTIAL_HEADERS.test(k) ? '[present]' : String(v)]),
    );
    const query: Record<string, string | string[]> = {};
    for (const key of new Set(url.searchParams.keys())) {
      const all = url.searchParams.getAll(key);
      query[key] = /sig|signature/i.test(key) ? '[present]' : all.length > 1 ? all : all[0];
    }
    let body: Record<string, any> = {};
    let invalidJson = false;
    if (
      raw.length &&
      /json/.test(String(req.headers['content-type'] ?? '')) &&
      !url.pathname.startsWith('/signed-storage/') &&
      !url.pathname.includes('/mlflow-artifacts/') &&
      url.pathname !== '/v1/traces'
    ) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        invalidJson = true;
      }
    }
    const record: RecordedMlflowRequest = {
      method,
      path: url.pathname,
      query,
      headers,
      ...(Object.keys(body).length ? { body } : {}),
      bytes: raw.length,
      status: 0,
      at: Date.now(),
    };
    requests.push(record);

    const send = (status: number, extra: Record<string, string>, payload?: string | Uint8Array) => {
      if (res.headersSent) return;
      record.status = status;
      res.writeHead(status, extra);
      res.end(payload);
    };
    const json = (status: number, payload: unknown, extra: Record<string, string> = {}) =>
      send(status, { 'content-type': 'application/json', ...extra }, JSON.stringify(payload));
    const error = (status: number, errorCode: string, message: string, extra: Record<string, string> = {}) =>
      json(status, { error_code: errorCode, message }, extra);

    const failure = failures.find((f) => {
      if (f.method && f.method.toUpperCase() !== method) return false;
      if (!f.path) return true;
      f.path.lastIndex = 0; // a global RegExp keeps its position between calls
      return f.path.test(url.pathname);
    });
    if (failure && --failure.remaining <= 0) failures.splice(failures.indexOf(failure), 1);
    const delay = (failure?.delayMs ?? 0) + (options.latencyMs ?? 0);
    if (delay) await new Promise((r) => setTimeout(r, delay));
    if (failure?.reset) {
      record.status = -1;
      req.socket.destroy();
      return;
    }
    if (failure && failure.status !== undefined) {
      const status = failure.status;
      return error(
        status,
        failure.errorCode ?? errorCodeFor(status),
        failure.message ?? 'Injected failure (testkit)',
        failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {},
      );
    }
    if (
      !url.pathname.startsWith('/signed-storage/') &&
      url.pathname !== '/oidc/v1/token' &&
      !authorized(req, options, state)
    ) {
      if (options.auth && 'username' in options.auth)
        return send(
          401,
          { 'content-type': 'text/plain', 'www-authenticate': 'Basic realm="mlflow"' },
          BASIC_AUTH_MESSAGE,
        );
      return error(
        401,
        'UNAUTHENTICATED',
        'Credential was not sent or was of an unsupported type for this API.',
      );
    }
    if (invalidJson)
      return error(400, 'MALFORMED_REQUEST', 'Malformed request body: the body is not valid JSON.');
    for (const route of routes) {
      const params = match(route, method, url.pathname);
      if (!params) continue;
      const ctx: RouteContext = {
        method,
        params,
        query: url.searchParams,
        headers: req.headers,
        raw,
        body,
        state,
        options,
        origin,
        json,
        error: (s, c, m) => error(s, c, m),
        send,
      };
      await route.handle(ctx);
      return;
    }
    error(404, 'ENDPOINT_NOT_FOUND', `No API found for '${method} ${url.pathname}'`);
  };

  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = options.port ?? 0;
  const listen = async () => {
    server = createServer((req, res) => {
      const task = handle(req, res)
        .catch((err: unknown) => {
          if (!res.headersSent) {
            res.writeHead(500, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error_code: 'INTERNAL_ERROR', message: `testkit: ${String(err)}` }));
          }
        })
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
    });
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
    origin = `http://127.0.0.1:${port}`;
  };
  const stop = async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();

  return {
    url: origin,
    port,
    state,
    requests,
    failNext: (spec) =>
      failures.push({
        ...spec,
        status: spec.reset || spec.delayMs ? spec.status : (spec.status ?? 503),
        remaining: Math.max(1, spec.times ?? 1),
      }),
    stop,
    start: async () => {
      if (!server) await listen();
    },
    async idle() {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
    close: stop,
  };
}
