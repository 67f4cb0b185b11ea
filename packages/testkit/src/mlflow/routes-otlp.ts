import { type DecodedResourceSpans, decodeTraceRequest, encodeTraceResponse } from '../otlp/otlp-proto.js';
import type { MlflowRoute, RouteContext } from './types.js';

function detail(ctx: RouteContext, status: number, message: string) {
  ctx.send(status, { 'content-type': 'application/json' }, JSON.stringify({ detail: message }));
}

function attr(span: Record<string, any>, key: string): unknown {
  const raw = (span.attributes ?? []).find((a: { key: string }) => a.key === key)?.value?.string_value;
  if (typeof raw !== 'string') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** The nanosecond string of a span field as epoch ms. */
const nsToMs = (ns: unknown) => Number(BigInt(String(ns ?? '0')) / 1_000_000n);

/**
 * `POST /v1/traces`: the tracking server's OTLP endpoint (FastAPI; errors are `{"detail": …}`).
 * Spans are stored with their trace (created IN_PROGRESS when unknown, finished when its root
 * span arrives) and the trace is tagged `mlflow.trace.spansLocation = TRACKING_STORE`.
 */
export const otlpRoutes: MlflowRoute[] = [
  {
    method: 'POST',
    path: '/v1/traces',
    handle(ctx) {
      if (ctx.options.databricks)
        return ctx.error(404, 'ENDPOINT_NOT_FOUND', "No API found for 'POST /v1/traces'");
      const contentType = String(ctx.headers['content-type'] ?? '');
      if (contentType !== 'application/x-protobuf')
        return detail(ctx, 400, `Invalid Content-Type: ${contentType}. Expected: application/x-protobuf`);
      if (ctx.options.spansLocation === 'ARTIFACT_REPO')
        return detail(ctx, 501, 'REST OTLP span logging is not supported by FileStore');
      let resourceSpans: DecodedResourceSpans[];
      try {
        resourceSpans = decodeTraceRequest(ctx.raw);
      } catch {
        return detail(ctx, 400, 'Invalid OpenTelemetry protobuf format');
      }
      if (!resourceSpans.length)
        return detail(ctx, 400, 'Invalid OpenTelemetry protobuf format - no spans found');
      const experimentId = ctx.headers['x-mlflow-experiment-id'];
      if (typeof experimentId !== 'string')
        return detail(
          ctx,
          422,
          "No `service.name` resource attribute was found in the OTLP request. Set `service.name` (e.g. via `OTEL_SERVICE_NAME`) or provide the 'x-mlflow-experiment-id' header.",
        );
      const experiment = ctx.state.experiments.get(experimentId);
      if (!experiment)
        return ctx.error(404, 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${experimentId} exists`);
      for (const rs of resourceSpans) {
        for (const ss of rs.scope_spans ?? []) {
          for (const span of ss.spans ?? []) {
            const requestId = attr(span, 'mlflow.traceRequestId');
            const traceId =
              typeof requestId === 'string'
                ? requestId
                : `tr-${Buffer.from(String(span.trace_id), 'base64').toString('hex')}`;
            const trace = ctx.state.traceFor(traceId, experimentId);
            trace.spans.set(Buffer.from(String(span.span_id), 'base64').toString('hex'), span);
            trace.info.tags = {
              ...trace.info.tags,
              'mlflow.trace.spansLocation': 'TRACKING_STORE',
              'mlflow.artifactLocation': `${experiment.artifact_location}/traces/${traceId}/artifacts`,
            };
            if (!span.parent_span_id) {
              const start = nsToMs(span.start_time_unix_nano);
              trace.info.request_time = new Date(start).toISOString();
              trace.info.execution_duration = `${(nsToMs(span.end_time_unix_nano) - start) / 1000}s`;
              trace.info.state = span.status?.code === 'STATUS_CODE_ERROR' ? 'ERROR' : 'OK';
              trace.info.tags['mlflow.traceName'] ??= span.name;
            }
          }
        }
      }
      ctx.send(200, { 'content-type': 'application/x-protobuf' }, encodeTraceResponse());
    },
  },
];
