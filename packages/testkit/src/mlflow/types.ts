import type { IncomingHttpHeaders } from 'node:http';
import type { MlflowState } from './state.js';

/** MLflow's `ArtifactCredentialType`s that the Databricks mode hands out for span data. */
export type CredentialType =
  | 'AWS_PRESIGNED_URL'
  | 'GCP_SIGNED_URL'
  | 'AZURE_SAS_URI'
  | 'AZURE_ADLS_GEN2_SAS_URI';

export interface MlflowServerOptions {
  /** Port; `0` (default) picks a free one. */
  port?: number;
  /** Require auth: basic (`mlflow server --app-name basic-auth`) or a bearer token (Databricks, proxies). */
  auth?: { username: string; password: string } | { token: string };
  /**
   * Where spans are kept. `TRACKING_STORE` (default; MLflow ≥ 3.4 with a SQL backend) takes
   * OTLP spans at `/v1/traces`; `ARTIFACT_REPO` (file store) answers that endpoint 501, so
   * clients upload `traces.json` through the artifacts proxy.
   */
  spansLocation?: 'TRACKING_STORE' | 'ARTIFACT_REPO';
  /**
   * Databricks mode: bearer auth, no `/v1/traces`, and span data goes to signed URLs of this
   * credential type (served by this server under `/signed-storage/…`).
   */
  databricks?: {
    credentialType: CredentialType;
    /**
     * OAuth machine-to-machine (a service principal): `POST /oidc/v1/token` exchanges
     * `client_id:client_secret` (HTTP basic) for access tokens, which the API then accepts as
     * bearer tokens until they expire (`expiresInSeconds`, default 3600).
     */
    oauth?: { clientId: string; clientSecret: string; expiresInSeconds?: number };
  };
  /** Delay before every response, in ms. */
  latencyMs?: number;
}

/** Makes matching requests fail, in order. */
export interface MlflowFailureSpec {
  /** HTTP status of the failure (default 503). */
  status?: number;
  /** MLflow `error_code` of the body (default by status, e.g. `TEMPORARILY_UNAVAILABLE`). */
  errorCode?: string;
  message?: string;
  /** `Retry-After` seconds. */
  retryAfter?: number;
  /** How many requests fail (default 1). */
  times?: number;
  /** Only requests whose path matches. */
  path?: RegExp;
  method?: string;
  /** Destroy the connection instead of answering (a connection reset). */
  reset?: boolean;
  /** Answer (normally) only after this many ms (a slow response). */
  delayMs?: number;
}

export interface RecordedMlflowRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** Headers with credentials replaced by `[present]`. */
  headers: Record<string, string>;
  /** The parsed JSON body, if any. */
  body?: unknown;
  bytes: number;
  /** HTTP status answered (-1: connection reset; 0: not answered yet). */
  status: number;
  /** When the request arrived (epoch ms). */
  at: number;
}

export interface MlflowServer {
  /** `http://127.0.0.1:PORT`: the tracking URI. */
  url: string;
  port: number;
  /** Everything the server holds: experiments, traces (info, spans, assessments), artifacts, blobs. */
  state: MlflowState;
  requests: RecordedMlflowRequest[];
  failNext(spec: MlflowFailureSpec): void;
  /** Stops listening (clients get connection refused); state is kept. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /** Resolves when no request is being handled. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface RouteContext {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  /** The JSON body (`{}` when empty); a body that is not JSON gets MLflow's 400 before the handler runs. */
  body: Record<string, any>;
  state: MlflowState;
  options: MlflowServerOptions;
  /** `http://127.0.0.1:PORT` of this server. */
  origin: string;
  json(status: number, payload: unknown): void;
  error(status: number, errorCode: string, message: string): void;
  send(status: number, headers: Record<string, string>, body?: string | Uint8Array): void;
}

export interface MlflowRoute {
  method: string;
  /** `/api/3.0/mlflow/traces/:trace_id`, or `*path` for the rest of the path. */
  path: string;
  handle(ctx: RouteContext): void | Promise<void>;
}
