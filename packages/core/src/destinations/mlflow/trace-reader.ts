import { formatFilter, formatOrderTerm } from '../../query/ast.js';
import { normalizeSearch, type SearchTracesOptions } from '../../query/search-options.js';
import type { SpanData, TraceInfo, TraceRecord } from '../../types.js';
import { type ArtifactCredentialInfo, downloadFromSignedUrl } from '../databricks/signed-url.js';
import type { ExportError } from '../export-error.js';
import { artifactProxyPath } from './artifact-path.js';
import { spanFromJson } from './span-json.js';
import { ARTIFACT_LOCATION_TAG, type ExportContext, SPANS_LOCATION_TAG } from './trace-export.js';
import { traceInfoFromJson } from './trace-info-json.js';

export interface SearchPage {
  traces: TraceRecord[];
  nextPageToken?: string;
}

const notFound = (err: unknown) => (err as ExportError)?.status === 404;

/** `GetTraceInfoV3`; null when the server does not know the trace. */
export async function getTraceInfo(ctx: ExportContext, traceId: string): Promise<TraceInfo | null> {
  try {
    const res = await ctx.http.json<{ trace?: { trace_info?: Record<string, any> } }>(
      'GET',
      `/api/3.0/mlflow/traces/${encodeURIComponent(traceId)}`,
    );
    return res.trace?.trace_info ? traceInfoFromJson(res.trace.trace_info) : null;
  } catch (err) {
    if (notFound(err)) return null;
    throw err;
  }
}

/**
 * The spans of a trace, wherever the server keeps them: the tracking store
 * (`GET /api/3.0/mlflow/traces/batchGet`), the artifacts proxy (`traces.json`), or on
 * Databricks the signed URL of `credentials-for-data-download`. Empty when there are none yet.
 */
export async function getSpans(ctx: ExportContext, info: TraceInfo): Promise<SpanData[]> {
  try {
    if (info.tags[SPANS_LOCATION_TAG] === 'TRACKING_STORE') {
      const res = await ctx.http.json<{ traces?: Array<{ spans?: unknown[] }> }>(
        'GET',
        '/api/3.0/mlflow/traces/batchGet',
        { query: { trace_ids: info.traceId } },
      );
      return (res.traces?.[0]?.spans ?? []).map((s) => spanFromJson(s as Record<string, any>, info.traceId));
    }
    let text: string;
    if (ctx.databricks) {
      const { credential_info } = await ctx.http.json<{ credential_info: ArtifactCredentialInfo }>(
        'GET',
        `/api/2.0/mlflow/traces/${encodeURIComponent(info.traceId)}/credentials-for-data-download`,
      );
      text = await downloadFromSignedUrl(ctx.http, credential_info);
    } else {
      text = (
        await ctx.http.send({ method: 'GET', path: artifactProxyPath(info.tags[ARTIFACT_LOCATION_TAG]) })
      ).text;
    }
    const parsed = JSON.parse(text) as { spans?: unknown[] };
    return (parsed.spans ?? []).map((s) => spanFromJson(s as Record<string, any>, info.traceId));
  } catch (err) {
    if (notFound(err)) return [];
    throw err;
  }
}

/** The whole trace (info and spans) from the server; null when unknown. */
export async function readTrace(ctx: ExportContext, traceId: string): Promise<TraceRecord | null> {
  const info = await getTraceInfo(ctx, traceId);
  if (!info) return null;
  return { info, data: { spans: await getSpans(ctx, info) } };
}

/**
 * `searchTraces` on the server (`POST /api/3.0/mlflow/traces/search`): the filter is checked
 * here first (the same errors as on the local store), then sent in MLflow's canonical spelling;
 * page tokens are the server's. Spans are read per trace unless `includeSpans: false`.
 */
export async function searchServer(
  ctx: ExportContext,
  options: SearchTracesOptions = {},
): Promise<SearchPage> {
  const search = normalizeSearch(options, [await ctx.experiments.resolve()]);
  const res = await ctx.http.json<{ traces?: Array<Record<string, any>>; next_page_token?: string }>(
    'POST',
    '/api/3.0/mlflow/traces/search',
    {
      json: {
        locations: (search.experimentIds ?? []).map((id) => ({
          type: 'MLFLOW_EXPERIMENT',
          mlflow_experiment: { experiment_id: id },
        })),
        filter: formatFilter(search.filter) || undefined,
        max_results: search.maxResults,
        order_by: search.order.map(formatOrderTerm),
        page_token: search.pageToken,
      },
    },
  );
  const infos = (res.traces ?? []).map(traceInfoFromJson);
  const traces: TraceRecord[] = infos.map((info) => ({ info, data: { spans: [] } }));
  if (search.includeSpans) {
    let next = 0;
    const worker = async () => {
      while (next < traces.length) {
        const t = traces[next++];
        t.data.spans = await getSpans(ctx, t.info);
      }
    };
    await Promise.all(Array.from({ length: Math.min(ctx.concurrency, traces.length) }, worker));
  }
  return { traces, ...(res.next_page_token ? { nextPageToken: res.next_page_token } : {}) };
}
