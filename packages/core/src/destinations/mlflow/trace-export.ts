import { createHash } from 'node:crypto';
import { diag } from '../../diag.js';
import type { TraceRecord } from '../../types.js';
import { type ArtifactCredentialInfo, uploadToSignedUrl } from '../databricks/signed-url.js';
import { ExportError } from '../export-error.js';
import { loadOtelSdk } from '../otlp/otel-sdk.js';
import { otelIdentity, toReadableSpans } from '../otlp/readable-spans.js';
import { artifactProxyPath } from './artifact-path.js';
import type { ExperimentResolver } from './experiments.js';
import type { HttpClient } from './http-client.js';
import { tracesJson } from './span-json.js';
import { traceInfoFromJson, traceInfoToJson } from './trace-info-json.js';

export const SPANS_LOCATION_TAG = 'mlflow.trace.spansLocation';
export const ARTIFACT_LOCATION_TAG = 'mlflow.artifactLocation';

/** What exporting to one tracking server needs; `logSpans` is learnt from the server. */
export interface ExportContext {
  http: HttpClient;
  experiments: ExperimentResolver;
  /** Databricks: no OTLP span logging; span data goes to signed URLs. */
  databricks: boolean;
  /** `service.name` of the OTLP resource sent to `/v1/traces`. */
  serviceName: string;
  concurrency: number;
  /** Whether the server takes spans at `/v1/traces` (undefined: not known yet). */
  logSpans: boolean | undefined;
}

/** A part of a caller's trace (`continueTrace`): it has a remote parent span in another service. */
export function isContinuation(record: TraceRecord): boolean {
  return (
    otelIdentity(record).remoteParent !== undefined &&
    record.info.traceMetadata['autolog.parent_span_id'] !== undefined
  );
}

/** The record under the caller's trace id (a second part from the same caller got an id of its own). */
function inCallersTrace(record: TraceRecord): TraceRecord {
  const traceId = `tr-${otelIdentity(record).traceId}`;
  if (traceId === record.info.traceId) return record;
  return {
    info: { ...record.info, traceId },
    data: { spans: record.data.spans.map((s) => ({ ...s, traceId })) },
  };
}

/**
 * Sends a batch: spans to the server's OTLP endpoint `/v1/traces` (protobuf, header
 * `x-mlflow-experiment-id`) when it has one, then `StartTraceV3` per trace, then — unless the
 * reply says `mlflow.trace.spansLocation = TRACKING_STORE` — `traces.json` through the
 * artifacts proxy (or, on Databricks, to the signed URL of `credentials-for-data-upload`).
 * Throws an `ExportError` naming the traces still to deliver and those refused for good.
 */
export async function exportBatch(ctx: ExportContext, records: readonly TraceRecord[]): Promise<void> {
  const experimentId = await ctx.experiments.resolve();
  if (!ctx.databricks && ctx.logSpans !== false)
    await logSpans(
      ctx,
      experimentId,
      records.map((r) => (isContinuation(r) ? inCallersTrace(r) : r)),
    );
  const failures = new Map<TraceRecord, ExportError>();
  await pool(records, ctx.concurrency, async (record) => {
    try {
      await exportTrace(ctx, experimentId, record);
    } catch (err) {
      failures.set(
        record,
        err instanceof ExportError
          ? err
          : new ExportError(String((err as Error)?.message ?? err), { retryable: true }),
      );
    }
  });
  if (!failures.size) return;
  const errors = [...failures.values()];
  const retry = [...failures].filter(([, e]) => e.retryable).map(([r]) => r);
  const rejected = [...failures].filter(([, e]) => !e.retryable).map(([r]) => r);
  const first = errors.find((e) => e.retryable) ?? errors[0];
  const waits = errors.map((e) => e.retryAfterMs).filter((n): n is number => n !== undefined);
  throw new ExportError(`${failures.size} of ${records.length} trace(s) failed: ${first.message}`, {
    retryable: retry.length > 0,
    status: first.status,
    errorCode: first.errorCode,
    retryAfterMs: waits.length ? Math.max(...waits) : undefined,
    undelivered: retry,
    rejected,
  });
}

async function logSpans(
  ctx: ExportContext,
  experimentId: string,
  records: readonly TraceRecord[],
): Promise<void> {
  const sdk = await loadOtelSdk();
  const resource = sdk.resources.resourceFromAttributes({ 'service.name': ctx.serviceName });
  const spans = records.flatMap((r) => toReadableSpans(r, resource, 'mlflow'));
  const body = sdk.transformer.ProtobufTraceSerializer.serializeRequest(spans);
  if (!body) throw new ExportError('could not encode spans as OTLP protobuf', { retryable: false });
  try {
    await ctx.http.send({
      method: 'POST',
      path: '/v1/traces',
      body,
      headers: { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': experimentId },
    });
    ctx.logSpans = true;
  } catch (err) {
    const e = err as ExportError;
    if (
      e.status === 501 ||
      e.status === 404 ||
      e.status === 405 ||
      /REST OTLP span logging is not supported/.test(e.message)
    ) {
      ctx.logSpans = false;
      diag.info(
        `the MLflow server at ${ctx.http.target.baseUrl} does not take spans at /v1/traces; spans are uploaded as traces.json artifacts`,
      );
      return;
    }
    throw err;
  }
}

async function exportTrace(ctx: ExportContext, experimentId: string, original: TraceRecord): Promise<void> {
  let record = original;
  if (isContinuation(record)) {
    // The caller owns the trace info; our spans joined its trace at /v1/traces.
    if (ctx.logSpans) return;
    record = asOwnTrace(record);
  }
  const reply = await ctx.http.json<{ trace?: { trace_info?: Record<string, any> } }>(
    'POST',
    '/api/3.0/mlflow/traces',
    {
      json: { trace: { trace_info: traceInfoToJson(record.info, experimentId) } },
    },
  );
  const tags = traceInfoFromJson(reply.trace?.trace_info ?? {}).tags;
  if (tags[SPANS_LOCATION_TAG] === 'TRACKING_STORE') return;
  const body = JSON.stringify(tracesJson(record));
  if (ctx.databricks) {
    const { credential_info } = await ctx.http.json<{ credential_info: ArtifactCredentialInfo }>(
      'GET',
      `/api/2.0/mlflow/traces/${encodeURIComponent(record.info.traceId)}/credentials-for-data-upload`,
    );
    await uploadToSignedUrl(ctx.http, credential_info, body);
    return;
  }
  await ctx.http.send({
    method: 'PUT',
    path: artifactProxyPath(tags[ARTIFACT_LOCATION_TAG]),
    body,
    headers: { 'content-type': 'application/json' },
  });
}

/**
 * A server without span logging cannot merge a remote part into the caller's trace: the part is
 * kept as a trace of its own (a stable id derived from the caller's), pointing at the caller.
 */
function asOwnTrace(record: TraceRecord): TraceRecord {
  diag.once(
    'warn',
    'mlflow-continuation',
    'a trace continued from another service is stored as a separate MLflow trace (metadata autolog.parent_trace_id): the server has no span logging (MLflow ≥ 3.4 with a SQL backend merges them)',
  );
  const hex = createHash('sha256')
    .update(`${record.info.traceId}/${record.data.spans[0]?.spanId ?? ''}`)
    .digest('hex')
    .slice(0, 32);
  const traceId = `tr-${hex}`;
  return {
    info: {
      ...record.info,
      traceId,
      traceMetadata: { ...record.info.traceMetadata, 'autolog.parent_trace_id': record.info.traceId },
    },
    data: { spans: record.data.spans.map((s) => ({ ...s, traceId })) },
  };
}

/** Runs `task` over `items`, at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
