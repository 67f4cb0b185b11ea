import { inspect } from 'node:util';
import type { ExportResult } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { AutologError } from '../../errors.js';
import type { TraceRecord } from '../../types.js';
import { ExportError, isRetryableStatus } from '../export-error.js';
import { untraced } from '../mlflow/http-client.js';
import { loadOtelSdk } from './otel-sdk.js';
import { toReadableSpans } from './readable-spans.js';

interface SpanExporter {
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
}

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface OtlpDestinationOptions {
  /**
   * The traces URL, e.g. `http://collector:4318/v1/traces`. Default: what the OpenTelemetry
   * exporter reads — `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT`
   * + `/v1/traces`, else `http://localhost:4318/v1/traces`.
   */
  url?: string;
  /** Default: `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, `OTEL_EXPORTER_OTLP_PROTOCOL`, then `http/protobuf`. */
  protocol?: OtlpProtocol;
  /** Extra headers (merged over `OTEL_EXPORTER_OTLP_(TRACES_)HEADERS`). */
  headers?: Record<string, string>;
  /** Per-request timeout in ms. Default: `OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT` or 10,000. */
  timeoutMs?: number;
  /** `service.name` of the resource. Default: `OTEL_SERVICE_NAME` / `OTEL_RESOURCE_ATTRIBUTES`, else `autolog`. */
  serviceName?: string;
}

/** `k1=v1,k2=v2` header lists of the OTLP environment variables (values URL-decoded). */
function envHeaderValues(env: NodeJS.ProcessEnv): string[] {
  return [env.OTEL_EXPORTER_OTLP_HEADERS, env.OTEL_EXPORTER_OTLP_TRACES_HEADERS]
    .flatMap((list) => (list ?? '').split(','))
    .map((pair) => pair.slice(pair.indexOf('=') + 1).trim())
    .filter((v) => v.length >= 4)
    .map((v) => {
      try {
        return decodeURIComponent(v);
      } catch {
        return v;
      }
    });
}

/** The protocol asked for, or an `AutologError` for one the exporter here does not speak (gRPC). */
export function otlpProtocol(option: string | undefined, env: NodeJS.ProcessEnv = process.env): OtlpProtocol {
  const value = (
    option ??
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ??
    env.OTEL_EXPORTER_OTLP_PROTOCOL ??
    'http/protobuf'
  ).trim();
  if (value === 'http/protobuf' || value === 'http/json') return value;
  throw new AutologError(
    'NOT_SUPPORTED',
    `OTLP protocol "${value}" is not supported; use http/protobuf (default) or http/json (OTEL_EXPORTER_OTLP_PROTOCOL).`,
  );
}

/**
 * Sends traces to any OpenTelemetry collector with the official OTLP/HTTP exporter (protobuf
 * or JSON). Spans carry MLflow's attributes (`mlflow.spanType`, `mlflow.spanInputs`, … as
 * JSON) and the GenAI semantic conventions (`gen_ai.*`), plus `user.id` and `session.id`.
 *
 * @example
 * init({ destination: 'otlp+http://127.0.0.1:4318' });
 * // or: OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318 OTEL_EXPORTER_OTLP_HEADERS=x-api-key=… (destination 'otlp')
 */
export class OtlpDestination {
  readonly name = 'otlp';
  readonly spoolKey: string;
  readonly protocol: OtlpProtocol;
  /** The URL traces go to, or `(from environment)`. */
  readonly url: string;
  private readonly options: OtlpDestinationOptions;
  private sdk: Promise<{ exporter: SpanExporter; resource: Resource }> | undefined;
  private readonly secrets: () => string[];

  constructor(options: OtlpDestinationOptions = {}) {
    this.protocol = otlpProtocol(options.protocol);
    this.options = { ...options, ...(options.headers ? { headers: { ...options.headers } } : {}) };
    const env = process.env;
    this.url =
      options.url ??
      env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
      (env.OTEL_EXPORTER_OTLP_ENDPOINT
        ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`
        : 'http://localhost:4318/v1/traces');
    this.spoolKey = `otlp:${this.url.replace(/\/\/[^/@]*@/, '//')}`;
    const headerValues = [...Object.values(options.headers ?? {}), ...envHeaderValues(env)];
    this.secrets = () => headerValues;
  }

  /** The official exporter and the resource, created on first export (the SDK is loaded then). */
  private setup(): Promise<{ exporter: SpanExporter; resource: Resource }> {
    this.sdk ??= loadOtelSdk().then(({ resources, protoExporter, jsonExporter }) => {
      const { url, headers, timeoutMs, serviceName } = this.options;
      const config = {
        ...(url ? { url } : {}),
        ...(headers ? { headers } : {}),
        ...(timeoutMs ? { timeoutMillis: timeoutMs } : {}),
      };
      const exporter =
        this.protocol === 'http/json'
          ? new jsonExporter.OTLPTraceExporter(config)
          : new protoExporter.OTLPTraceExporter(config);
      let resource = resources
        .defaultResource()
        .merge(resources.resourceFromAttributes({ 'service.name': serviceName ?? 'autolog' }));
      if (!serviceName)
        resource = resource.merge(resources.detectResources({ detectors: [resources.envDetector] }));
      return { exporter, resource };
    });
    return this.sdk;
  }

  async export(traces: readonly TraceRecord[]): Promise<void> {
    const { exporter, resource } = await this.setup();
    const spans = traces.flatMap((t) => toReadableSpans(t, resource, 'otel'));
    return new Promise((resolve, reject) => {
      untraced(() =>
        exporter.export(spans, (result: ExportResult) => {
          if (result.code === 0) resolve();
          else reject(this.toExportError(result.error));
        }),
      );
    });
  }

  async shutdown(): Promise<void> {
    if (this.sdk) await (await this.sdk).exporter.shutdown();
  }

  private toExportError(error: unknown): ExportError {
    const e = error as { code?: unknown; message?: string; data?: string } | undefined;
    const status = typeof e?.code === 'number' ? e.code : undefined;
    let message = `OTLP export to ${this.url.replace(/\?.*$/, '')} failed${status ? ` (${status})` : ''}: ${e?.message ?? 'unknown error'}${e?.data ? ` — ${String(e.data).slice(0, 300)}` : ''}`;
    for (const secret of this.secrets()) message = message.split(secret).join('[REDACTED]');
    return new ExportError(message, {
      retryable: status === undefined || isRetryableStatus(status),
      ...(status !== undefined ? { status } : {}),
    });
  }

  toJSON(): Record<string, string> {
    return { name: this.name, url: this.url, protocol: this.protocol };
  }

  [inspect.custom](): string {
    return `OtlpDestination { ${this.url} ${this.protocol} }`;
  }
}
