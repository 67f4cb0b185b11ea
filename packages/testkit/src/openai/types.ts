import type { IncomingHttpHeaders } from 'node:http';

/** Options for {@link startOpenAIServer}. */
export interface OpenAIServerOptions {
  /** Port to listen on. Default `0` (any free port). */
  port?: number;
  /** Interface to bind. Default `'127.0.0.1'` (loopback only). */
  host?: string;
  /** Delay before the first byte of every response, in ms. Default `0`. Per request: `x-testkit-latency-ms`. */
  latencyMs?: number;
  /** Delay between stream events, in ms. Default `0`. Per request: `x-testkit-chunk-delay-ms`. */
  chunkDelayMs?: number;
  /**
   * When set, requests must carry it as `Authorization: Bearer <key>` (OpenAI) or `api-key: <key>`
   * (Azure); others get a 401 in OpenAI's (or, on Azure paths, Azure's) error shape. Default: no check.
   */
  apiKey?: string;
  /** Extra routes, matched before the built-in ones (see {@link OpenAIRoute}). */
  routes?: OpenAIRoute[];
}

/** An error the server returns instead of handling the next matching request(s). */
export interface FailureSpec {
  /** HTTP status, e.g. 400, 401, 404, 429, 500, 503. */
  status: number;
  /** Seconds sent in `retry-after` (and, on Azure paths, `retry-after-ms`). Fractions are allowed. */
  retryAfter?: number;
  /** How many matching requests fail. Default `1`. */
  times?: number;
  /** Only requests whose URL path (e.g. `/v1/chat/completions`) matches. Default: any request. */
  path?: RegExp;
  /**
   * Fail a streaming request (`stream: true`) after this many events instead of up front: the
   * response starts with 200 and the stream then carries an error event, as OpenAI does mid-stream.
   */
  afterEvents?: number;
  /** Overrides for the error body; defaults follow OpenAI's messages for the status. */
  message?: string;
  type?: string | null;
  param?: string | null;
  code?: string | null;
}

/** What happened to a recorded request's response. */
export interface RecordedResponse {
  /** HTTP status sent (0 until the head is written). */
  status: number;
  /** Whether the body was a server-sent event stream. */
  stream: boolean;
  /** SSE frames written so far (including the final `[DONE]`). */
  events: number;
  /** The client went away (abort, disconnect) before the response ended. */
  aborted: boolean;
  /** The server ended the response normally. */
  finished: boolean;
}

/** A request as the server saw it, with credentials replaced. */
export interface RecordedRequest {
  method: string;
  /** URL path as sent, e.g. `/v1/chat/completions` or `/openai/deployments/gpt-4o/chat/completions`. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased headers; `authorization` and `api-key` are `'[present]'`, never the key. */
  headers: Record<string, string>;
  /** Parsed JSON body (or the raw text when it is not JSON; `undefined` when empty). */
  body: unknown;
  /** Set for Azure-style paths (`/openai/...`). */
  azure?: AzureTarget;
  response: RecordedResponse;
}

/** The Azure parts of a request path. */
export interface AzureTarget {
  /** From `/openai/deployments/{deployment}/...`. */
  deployment?: string;
  /** The `api-version` query parameter. */
  apiVersion?: string;
  /** The path used the `/openai/v1/...` API (no `api-version` needed). */
  v1: boolean;
}

/** A running server. */
export interface OpenAIServer {
  /** Base URL for `new OpenAI({ baseURL })`, e.g. `http://127.0.0.1:PORT/v1`. */
  readonly url: string;
  /** Endpoint for `new AzureOpenAI({ endpoint, apiVersion, deployment })`, e.g. `http://127.0.0.1:PORT`. */
  readonly azureEndpoint: string;
  readonly port: number;
  /** Every request received, oldest first. */
  readonly requests: RecordedRequest[];
  /** Makes the next matching request(s) fail; failures queue in the order they were added. */
  failNext(spec: FailureSpec): void;
  /** Forgets recorded requests, queued failures and stored objects. */
  reset(): void;
  /** Resolves once no response is in flight (e.g. after an aborted stream has wound down). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Per-request knobs, from `x-testkit-*` headers or `metadata.testkit_*` body fields. */
export interface RequestKnobs {
  /** Split streamed text (and tool arguments) into exactly this many fragments. Default: one per token. */
  chunks?: number;
  /** Delay between stream events in ms. */
  chunkDelayMs: number;
  /** Reply text to use instead of the echo. */
  reply?: string;
  /** `cached_tokens` to report (capped at the prompt tokens). Default `0`. */
  cachedTokens?: number;
  /** `reasoning_tokens` to report. Default: 16 for reasoning models (o-series, gpt-5), else 0. */
  reasoningTokens?: number;
}

/** Error body fields in OpenAI's shape. */
export interface ErrorFields {
  message: string;
  type: string | null;
  param: string | null;
  code: string | null;
}

/** Writes server-sent events; every method is a no-op once the client has gone away. */
export interface SseWriter {
  /**
   * Writes one event — `data:` JSON (a string is written as-is, e.g. `'[DONE]'`), preceded by
   * `event:` when named — waiting the chunk delay first. Resolves false once the client is gone.
   */
  send(data: unknown, event?: string): Promise<boolean>;
  /** Writes `data: [DONE]` and ends the response. */
  done(): Promise<void>;
  /** Ends the response without `[DONE]` (Responses API streams end this way). */
  end(): void;
  readonly closed: boolean;
}

/** What a route handler gets for one request. */
export interface RouteContext {
  readonly method: string;
  /** Path relative to the API root: `/chat/completions` for `/v1/...`, `/openai/...` and Azure deployment paths. */
  readonly path: string;
  /** Values of `:name` segments in the route's path. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly body: any;
  readonly azure?: AzureTarget;
  readonly knobs: RequestKnobs;
  /** Aborted when the client disconnects. */
  readonly signal: AbortSignal;
  /** Objects kept for the server's lifetime (stored responses; threads and runs for an Assistants route). */
  readonly store: Map<string, Map<string, unknown>>;
  json(status: number, body: unknown): void;
  /** Sends an error in OpenAI's shape, with defaults for the status. */
  error(status: number, fields?: Partial<ErrorFields>): void;
  /** Starts an SSE response. `named` streams (Responses API) put a JSON error in an `event: error` frame. */
  sse(flavor?: 'data' | 'named'): SseWriter;
}

/**
 * One endpoint. `path` is relative to the API root and may hold `:name` segments, e.g.
 * `/threads/:thread_id/runs/:run_id` — it is served at `/v1/...`, `/openai/...` and `/openai/v1/...`.
 */
export interface OpenAIRoute {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  handle(ctx: RouteContext): void | Promise<void>;
}
