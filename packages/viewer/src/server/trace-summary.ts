/**
 * The row of the trace list: what the table shows, without spans.
 */
import type { TraceInfo } from '@autolog/core';
import type { TraceSummary } from '../wire-types.js';

export type { TraceSummary };

const PREVIEW_CHARS = 240;

const cut = (text: string | undefined): string | null =>
  text === undefined ? null : text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;

/** `total_cost` of the `mlflow.trace.cost` metadata JSON, or null. */
export function costOf(metadata: Record<string, string> | undefined): number | null {
  const json = metadata?.['mlflow.trace.cost'];
  if (!json) return null;
  try {
    const total = (JSON.parse(json) as { total_cost?: unknown } | null)?.total_cost;
    return typeof total === 'number' && Number.isFinite(total) ? total : null;
  } catch {
    return null;
  }
}

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
    costUsd: costOf(meta),
    requestPreview: cut(info.requestPreview),
    responsePreview: cut(info.responsePreview),
    assessmentCount: (info.assessments ?? []).filter((a) => a.valid !== false).length,
  };
}
