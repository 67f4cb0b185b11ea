/**
 * The row of the trace list: what the table shows, without spans.
 */
import { type TraceInfo, traceCost } from '@autolog/core';
import type { TraceSummary } from '../wire-types.js';

export type { TraceSummary };

const PREVIEW_CHARS = 240;

const cut = (text: string | undefined): string | null =>
  text === undefined ? null : text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;

/** The list row of a trace. */
export function summarize(info: TraceInfo): TraceSummary {
  const meta = info.traceMetadata ?? {};
  return {
    traceId: info.traceId,
    experimentId: info.experimentId,
    name: info.tags?.['mlflow.traceName'] ?? null,
    requestTime: info.requestTime,
    durationMs: info.executionDuration,
    state: info.state,
    user: meta['mlflow.trace.user'] ?? null,
    session: meta['mlflow.trace.session'] ?? null,
    tokens: info.tokenUsage ?? null,
    costUsd: traceCost(info) ?? null,
    requestPreview: cut(info.requestPreview),
    responsePreview: cut(info.responsePreview),
    assessmentCount: (info.assessments ?? []).filter((a) => a.valid !== false).length,
  };
}
