import type { Assessment } from '../../types.js';
import type { ExportError } from '../export-error.js';
import { assessmentFromJson, assessmentToJson } from './assessment-json.js';
import type { ExportContext } from './trace-export.js';
import { getTraceInfo, readTrace } from './trace-reader.js';

const notFound = (err: unknown) => (err as ExportError)?.status === 404;
const tracePath = (traceId: string) => `/api/3.0/mlflow/traces/${encodeURIComponent(traceId)}`;

/** `SetTraceTagV3`: `PATCH /api/3.0/mlflow/traces/{id}/tags`. */
export async function setTag(ctx: ExportContext, traceId: string, key: string, value: string): Promise<void> {
  await ctx.http.json('PATCH', `${tracePath(traceId)}/tags`, { json: { key, value } });
}

/** `DeleteTraceTagV3`: `DELETE /api/3.0/mlflow/traces/{id}/tags?key=…`; false when the trace has no such tag. */
export async function deleteTag(ctx: ExportContext, traceId: string, key: string): Promise<boolean> {
  const info = await getTraceInfo(ctx, traceId);
  if (!info || !(key in info.tags)) return false;
  await ctx.http.json('DELETE', `${tracePath(traceId)}/tags`, { query: { key } });
  return true;
}

/** `GetAssessment`; null when unknown. */
export async function getAssessment(
  ctx: ExportContext,
  traceId: string,
  assessmentId: string,
): Promise<Assessment | null> {
  try {
    const res = await ctx.http.json<{ assessment?: Record<string, any> }>(
      'GET',
      `${tracePath(traceId)}/assessments/${encodeURIComponent(assessmentId)}`,
    );
    return res.assessment ? assessmentFromJson(res.assessment) : null;
  } catch (err) {
    if (notFound(err)) return null;
    throw err;
  }
}

const UPDATE_MASK = 'assessment_name,source,rationale,metadata,feedback,expectation,valid';

/**
 * Creates (`POST …/assessments`) or updates (`PATCH …/assessments/{id}` with an
 * `update_mask`) an assessment. The server assigns the id of a new assessment: it is written
 * back into `assessment.assessmentId`, so the caller returns what the server stored.
 */
export async function upsertAssessment(ctx: ExportContext, assessment: Assessment): Promise<void> {
  const existing = await getAssessment(ctx, assessment.traceId, assessment.assessmentId);
  const json = assessmentToJson(assessment);
  if (existing) {
    await ctx.http.json(
      'PATCH',
      `${tracePath(assessment.traceId)}/assessments/${encodeURIComponent(assessment.assessmentId)}`,
      {
        json: { assessment: json, update_mask: UPDATE_MASK },
      },
    );
    return;
  }
  delete json.assessment_id;
  const res = await ctx.http.json<{ assessment?: Record<string, any> }>(
    'POST',
    `${tracePath(assessment.traceId)}/assessments`,
    { json: { assessment: json } },
  );
  const stored = res.assessment ? assessmentFromJson(res.assessment) : undefined;
  if (stored) {
    assessment.assessmentId = stored.assessmentId;
    assessment.createTime = stored.createTime || assessment.createTime;
    assessment.lastUpdateTime = stored.lastUpdateTime || assessment.lastUpdateTime;
  }
}

/** `DeleteAssessment`; false when unknown. */
export async function deleteAssessment(
  ctx: ExportContext,
  traceId: string,
  assessmentId: string,
): Promise<boolean> {
  try {
    await ctx.http.json('DELETE', `${tracePath(traceId)}/assessments/${encodeURIComponent(assessmentId)}`);
    return true;
  } catch (err) {
    if (notFound(err)) return false;
    throw err;
  }
}

/** Whether a span is in the trace (reads the trace's spans). */
export async function hasSpan(ctx: ExportContext, traceId: string, spanId: string): Promise<boolean> {
  return (await readTrace(ctx, traceId))?.data.spans.some((s) => s.spanId === spanId) ?? false;
}

/** `DeleteTracesV3`: by ids, or requested at or before a time (oldest first, at most `maxTraces`). */
export async function deleteTraces(
  ctx: ExportContext,
  options: {
    experimentId?: string;
    traceIds?: readonly string[];
    maxTimestampMs?: number;
    maxTraces?: number;
  },
): Promise<number> {
  const res = await ctx.http.json<{ traces_deleted?: number }>(
    'POST',
    '/api/3.0/mlflow/traces/delete-traces',
    {
      json: {
        experiment_id: options.experimentId ?? (await ctx.experiments.resolve()),
        ...(options.traceIds ? { request_ids: options.traceIds } : {}),
        ...(options.maxTimestampMs !== undefined ? { max_timestamp_millis: options.maxTimestampMs } : {}),
        ...(options.maxTraces !== undefined ? { max_traces: options.maxTraces } : {}),
      },
    },
  );
  return Number(res.traces_deleted ?? 0);
}
