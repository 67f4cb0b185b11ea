import { inspect } from 'node:util';
import { AutologError } from '../../errors.js';
import type { SearchTracesOptions } from '../../query/search-options.js';
import type { Assessment, TraceRecord, TraceStore } from '../../types.js';
import { type Credentials, credentialsFromEnv } from './credentials.js';
import { ExperimentResolver } from './experiments.js';
import { HttpClient } from './http-client.js';
import { httpTarget } from './http-target.js';
import * as annotations from './trace-annotations.js';
import { type ExportContext, exportBatch } from './trace-export.js';
import { getTraceInfo, readTrace, type SearchPage, searchServer } from './trace-reader.js';

export interface MlflowDestinationOptions {
  /** `http(s)://host[:port][/prefix]`. Default: `MLFLOW_TRACKING_URI`. `user:password@` in the URL is basic auth. */
  trackingUri?: string;
  /** Experiment by id (must exist). Default: `MLFLOW_EXPERIMENT_ID`. */
  experimentId?: string;
  /** Experiment by name, created if missing. Default: `MLFLOW_EXPERIMENT_NAME`; neither means experiment `0`. */
  experimentName?: string;
  /** Bearer token. Default: `MLFLOW_TRACKING_TOKEN`. */
  token?: string;
  /** Basic auth. Default: `MLFLOW_TRACKING_USERNAME` / `MLFLOW_TRACKING_PASSWORD`. */
  username?: string;
  password?: string;
  /** Per-request timeout in ms. Default: `MLFLOW_HTTP_REQUEST_TIMEOUT` (seconds) or 10,000. */
  timeoutMs?: number;
  /** Traces of a batch exported at once (default 8). */
  concurrency?: number;
}

/** @internal How a subclass (Databricks) sets the destination up. */
export interface MlflowTargetSetup {
  name: string;
  baseUrl: string;
  credentials: Credentials;
  databricks: boolean;
}

function envTimeout(): number {
  const seconds = Number(process.env.MLFLOW_HTTP_REQUEST_TIMEOUT);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 10_000;
}

/** Splits `http://user:pass@host/prefix` into a base URL without credentials and basic auth. */
export function parseTrackingUri(uri: string): { baseUrl: string; credentials?: Credentials } {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new AutologError(
      'INVALID_DESTINATION',
      `MLflow tracking URI "${uri.replace(/\/\/[^/@]*@/, '//***@')}" is not a valid http(s) URL; expected e.g. http://127.0.0.1:5000.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AutologError(
      'INVALID_DESTINATION',
      `MLflow tracking URI must be http(s)://host[:port], got ${url.protocol}//…`,
    );
  }
  const credentials: Credentials | undefined =
    url.username || url.password
      ? {
          kind: 'basic',
          username: decodeURIComponent(url.username),
          password: decodeURIComponent(url.password),
        }
      : undefined;
  url.username = '';
  url.password = '';
  return { baseUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}`, credentials };
}

/**
 * Publishes traces to an MLflow tracking server (MLflow 3 REST API) and reads them back:
 * `getTrace`, `searchTraces` (the filter runs on the server), tags and assessments. Export is
 * asynchronous and batched by the pipeline; failures are retried, spooled or reported there.
 * Credentials never appear in messages, logs, spans or the spool.
 *
 * @example
 * init({ destination: new MlflowDestination({ trackingUri: 'http://127.0.0.1:5000', experimentName: 'support-bot' }) });
 * // or: init({ destination: 'http://127.0.0.1:5000', experimentName: 'support-bot' }), or MLFLOW_TRACKING_URI
 */
export class MlflowDestination implements TraceStore {
  readonly name: string;
  readonly spoolKey: string;
  /** The tracking server, without credentials. */
  readonly trackingUri: string;
  /** @internal */
  protected readonly ctx: ExportContext;

  constructor(options: MlflowDestinationOptions = {}, setup?: MlflowTargetSetup) {
    const experimentId = options.experimentId ?? process.env.MLFLOW_EXPERIMENT_ID;
    const experimentName = options.experimentName ?? process.env.MLFLOW_EXPERIMENT_NAME;
    let target = setup;
    if (!target) {
      const uri = options.trackingUri ?? process.env.MLFLOW_TRACKING_URI;
      if (!uri)
        throw new AutologError(
          'INVALID_DESTINATION',
          'MlflowDestination needs a tracking URI: pass trackingUri or set MLFLOW_TRACKING_URI (e.g. http://127.0.0.1:5000).',
        );
      const { baseUrl, credentials: fromUri } = parseTrackingUri(uri);
      const explicit: Credentials | undefined = options.token
        ? { kind: 'bearer', token: options.token }
        : options.username !== undefined || options.password !== undefined
          ? { kind: 'basic', username: options.username ?? '', password: options.password ?? '' }
          : undefined;
      target = {
        name: 'mlflow',
        baseUrl,
        credentials: explicit ?? fromUri ?? credentialsFromEnv(),
        databricks: false,
      };
    }
    const http = new HttpClient(
      httpTarget(target.baseUrl, target.credentials, options.timeoutMs ?? envTimeout()),
    );
    const experiments = new ExperimentResolver(http, { experimentId, experimentName });
    this.name = target.name;
    this.trackingUri = target.baseUrl;
    this.spoolKey = `${target.name}:${target.baseUrl}|experiment ${experiments.label}`;
    this.ctx = {
      http,
      experiments,
      databricks: target.databricks,
      serviceName: process.env.OTEL_SERVICE_NAME ?? 'autolog',
      concurrency: options.concurrency ?? 8,
      logSpans: undefined,
    };
  }

  /** The experiment id on the server (looked up, or created by name, on first use). */
  experimentId(): Promise<string> {
    return this.ctx.experiments.resolve();
  }

  export(traces: readonly TraceRecord[]): Promise<void> {
    return exportBatch(this.ctx, traces);
  }

  getTrace(traceId: string): Promise<TraceRecord | null> {
    return readTrace(this.ctx, traceId);
  }

  /** Searches on the server with MLflow's filter language; see `searchTraces`. */
  searchTraces(options: SearchTracesOptions = {}): Promise<SearchPage> {
    return searchServer(this.ctx, options);
  }

  async hasTrace(traceId: string): Promise<boolean> {
    return (await getTraceInfo(this.ctx, traceId)) !== null;
  }

  hasSpan(traceId: string, spanId: string): Promise<boolean> {
    return annotations.hasSpan(this.ctx, traceId, spanId);
  }

  async getTraceTags(traceId: string): Promise<Record<string, string> | null> {
    return (await getTraceInfo(this.ctx, traceId))?.tags ?? null;
  }

  setTraceTag(traceId: string, key: string, value: string): Promise<void> {
    return annotations.setTag(this.ctx, traceId, key, value);
  }

  deleteTraceTag(traceId: string, key: string): Promise<boolean> {
    return annotations.deleteTag(this.ctx, traceId, key);
  }

  getAssessment(traceId: string, assessmentId: string): Promise<Assessment | null> {
    return annotations.getAssessment(this.ctx, traceId, assessmentId);
  }

  /** Creates or updates an assessment (feedback or expectation); a new one gets the server's id. */
  upsertAssessment(assessment: Assessment): Promise<void> {
    return annotations.upsertAssessment(this.ctx, assessment);
  }

  /** Logs a feedback or expectation on the server and returns it with the server's id. */
  async logAssessment<A extends Assessment>(assessment: A): Promise<A> {
    const copy = { ...assessment };
    await annotations.upsertAssessment(this.ctx, copy);
    return copy;
  }

  deleteAssessment(traceId: string, assessmentId: string): Promise<boolean> {
    return annotations.deleteAssessment(this.ctx, traceId, assessmentId);
  }

  deleteTraces(options: {
    experimentId?: string;
    traceIds?: readonly string[];
    maxTimestampMs?: number;
    maxTraces?: number;
  }): Promise<number> {
    return annotations.deleteTraces(this.ctx, options);
  }

  /** Aborts requests in flight (the pipeline spools what they carried first). */
  shutdown(): void {
    this.ctx.http.abortAll();
  }

  toJSON(): Record<string, string> {
    return { name: this.name, trackingUri: this.trackingUri };
  }

  [inspect.custom](): string {
    return `${this.constructor.name} { ${this.trackingUri} }`;
  }
}
