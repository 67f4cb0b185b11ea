import { createContextKey, context as otelContext } from '@opentelemetry/api';
import { tracingContext } from '../../fluent.js';
import { ExportError, isRetryableStatus, parseRetryAfter } from '../export-error.js';
import { type RawResponse, request } from './unref-request.js';

/** Where requests go and how they authenticate. Secrets stay inside `headers()`. */
export interface HttpTarget {
  /** Base URL without credentials, e.g. `http://127.0.0.1:5000` or `https://adb-1.azuredatabricks.net`. */
  baseUrl: string;
  /** Auth headers for the tracking server (not sent to signed URLs). */
  authHeaders(): Promise<Record<string, string>> | Record<string, string>;
  /** Strings that must never appear in an error message (tokens, passwords). */
  secrets(): string[];
  timeoutMs: number;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path on the tracking server (`/api/...`), or an absolute URL (signed URLs: sent without auth). */
  path: string;
  query?: Record<string, string | string[] | undefined>;
  json?: unknown;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface HttpResponse {
  status: number;
  headers: { get(name: string): string | null };
  text: string;
}

const USER_AGENT = 'autolog-core (MLflow REST)';

/**
 * A small JSON-over-HTTP client for the MLflow REST API and signed storage URLs: timeouts,
 * auth headers, MLflow's `{"error_code","message"}` errors turned into `ExportError`s that
 * say whether to retry, and tracing suppressed for its own calls (neither Autolog nor the
 * app's OpenTelemetry SDK records the exporter's requests). Messages name the URL's origin and
 * path only: the query of a signed URL is a credential.
 *
 * @example
 * const http = new HttpClient({ baseUrl: 'http://127.0.0.1:5000', authHeaders: () => ({}), secrets: () => [], timeoutMs: 10_000 });
 * const { experiment } = await http.json('GET', '/api/2.0/mlflow/experiments/get', { query: { experiment_id: '0' } });
 */
export class HttpClient {
  readonly target: HttpTarget;
  private readonly inFlight = new Set<AbortController>();

  constructor(target: HttpTarget) {
    this.target = target;
  }

  /** Aborts every request in flight (shutdown); later requests work again. */
  abortAll(): void {
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }

  /** Sends a request and parses a JSON reply; throws `ExportError` for any failure. */
  async json<T = Record<string, any>>(
    method: HttpRequest['method'],
    path: string,
    options: Omit<HttpRequest, 'method' | 'path'> = {},
  ): Promise<T> {
    const res = await this.send({ method, path, ...options });
    if (!res.text) return {} as T;
    try {
      return JSON.parse(res.text) as T;
    } catch {
      throw new ExportError(
        `${method} ${describeUrl(this.url(path))} answered ${res.status} with a body that is not JSON`,
        { retryable: false, status: res.status },
      );
    }
  }

  /** Sends a request; resolves for 2xx, throws `ExportError` otherwise. */
  async send(request_: HttpRequest): Promise<HttpResponse> {
    const url = this.url(request_.path, request_.query);
    const absolute = /^https?:\/\//.test(request_.path);
    const headers: Record<string, string> = {
      'user-agent': USER_AGENT,
      ...(absolute ? {} : await this.target.authHeaders()),
      ...request_.headers,
    };
    let body: string | Uint8Array | undefined = request_.body;
    if (request_.json !== undefined) {
      body = JSON.stringify(request_.json);
      headers['content-type'] ??= 'application/json';
    }
    // One controller per request (AbortSignal.any with a long-lived signal leaks on Node 20).
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(Object.assign(new Error('timeout'), { name: 'TimeoutError' })),
      this.target.timeoutMs,
    );
    timer.unref();
    this.inFlight.add(controller);
    let res: RawResponse;
    try {
      res = await untraced(() =>
        request(url, { method: request_.method, headers, body, signal: controller.signal }),
      );
    } catch (err) {
      throw this.networkError(request_.method, url, err);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
    const text = res.text;
    if (res.status >= 200 && res.status < 300) return { status: res.status, headers: res.headers, text };
    throw this.httpError(request_.method, url, res, text);
  }

  url(path: string, query?: HttpRequest['query']): string {
    const url = new URL(
      /^https?:\/\//.test(path) ? path : `${this.target.baseUrl.replace(/\/+$/, '')}${path}`,
    );
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, v);
    }
    return url.toString();
  }

  private networkError(method: string, url: string, err: unknown): ExportError {
    const e = err as { name?: string; code?: string; message?: string; cause?: { name?: string } };
    const cause = e?.cause?.name ?? e?.name;
    const reason =
      cause === 'TimeoutError'
        ? `no answer within ${this.target.timeoutMs} ms`
        : e?.name === 'AbortError'
          ? 'aborted (shutdown)'
          : (e?.code ?? e?.message ?? 'network error');
    return new ExportError(this.scrub(`${method} ${describeUrl(url)} failed: ${reason}`), {
      retryable: true,
    });
  }

  private httpError(method: string, url: string, res: RawResponse, text: string): ExportError {
    let errorCode: string | undefined;
    let message = text.trim().slice(0, 500);
    try {
      const parsed = JSON.parse(text) as { error_code?: unknown; message?: unknown; detail?: unknown };
      if (typeof parsed.error_code === 'string') errorCode = parsed.error_code;
      if (typeof parsed.message === 'string') message = parsed.message;
      else if (typeof parsed.detail === 'string') message = parsed.detail;
    } catch {
      // not JSON: the text itself is the message
    }
    const retryable = isRetryableStatus(res.status);
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    const what = `${method} ${describeUrl(url)} answered ${res.status}${errorCode ? ` ${errorCode}` : ''}${message ? `: ${message}` : ''}`;
    return new ExportError(this.scrub(what), { retryable, status: res.status, errorCode, retryAfterMs });
  }

  /** Removes any secret the client knows of from a message. */
  scrub(text: string): string {
    let out = text;
    for (const secret of this.target.secrets())
      if (secret && secret.length >= 4) out = out.split(secret).join('[REDACTED]');
    return out;
  }
}

/** `origin + path` of a URL: never its query (a signed URL's signature) nor credentials. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** The key `@opentelemetry/core`'s `suppressTracing` sets (the same `Symbol.for` key, without loading the package). */
const SUPPRESS_TRACING = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

/** Runs the exporter's own I/O with tracing off (Autolog's and the app's OpenTelemetry SDK's). */
export function untraced<T>(fn: () => T): T {
  return tracingContext({ enabled: false }, () =>
    otelContext.with(otelContext.active().setValue(SUPPRESS_TRACING, true), fn),
  );
}
