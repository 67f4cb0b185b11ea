import { SPAN_COST_KEY, TRACE_COST_KEY } from './cost.js';
import { redactSpan } from './redact.js';
import { settings } from './settings.js';
import { sourceMetadata } from './source-metadata.js';
import type { TraceBuffer } from './trace-buffer.js';
import type { SpanData, TokenCost, TokenUsage, TraceInfo, TraceRecord } from './types.js';

export const TOKEN_USAGE_KEY = 'mlflow.chat.tokenUsage';
export const PREVIEW_LENGTH = 1000;

const SCHEMA_VERSION_KEY = 'mlflow.trace_schema.version';

/** Where the traces of this process come from, and the schema version: the same for every trace. */
let processMetadata: Readonly<Record<string, string>> | undefined;

/** Turns a finished trace buffer into the record destinations receive (off the hot path). */
export function buildTraceRecord(buffer: TraceBuffer, experimentId: string): TraceRecord {
  const config = settings();
  const redacting = config.scrubSecrets || config.redact !== undefined;
  const live = buffer.spans;
  const spans: SpanData[] = new Array(live.length);
  for (let i = 0; i < live.length; i++) {
    const data = live[i].toData();
    data.attributes['mlflow.spanType'] = data.spanType;
    spans[i] = redacting ? redactSpan(data, config.scrubSecrets, config.redact) : data;
  }
  const root = spans[0];
  const usage = sumOverTrace(spans, TOKEN_USAGE_KEY, addUsage);
  const cost = sumOverTrace(spans, SPAN_COST_KEY, addCost);
  processMetadata ??= { ...sourceMetadata(), [SCHEMA_VERSION_KEY]: '3' };
  // Plain assignments, not spreads into a literal: this runs for every trace.
  const traceMetadata: Record<string, string> = Object.assign({}, processMetadata);
  if (buffer.metadata) Object.assign(traceMetadata, buffer.metadata);
  if (usage) traceMetadata['mlflow.trace.tokenUsage'] = JSON.stringify(usage);
  if (cost) traceMetadata[TRACE_COST_KEY] = JSON.stringify(cost);
  const tags: Record<string, string> = { 'mlflow.traceName': root.name };
  if (buffer.tags) Object.assign(tags, buffer.tags);
  const startMs = root.startTimeNs / 1e6;
  const endMs = (root.endTimeNs ?? root.startTimeNs) / 1e6;
  const info: TraceInfo = {
    traceId: buffer.traceId,
    experimentId: buffer.experimentId ?? experimentId,
    requestTime: Math.floor(startMs),
    executionDuration: Math.max(0, Math.round((endMs - startMs) * 1000) / 1000),
    state: buffer.state ?? (root.status.code === 'ERROR' ? 'ERROR' : 'OK'),
    traceMetadata,
    tags,
    assessments: [],
    requestPreview: buffer.requestPreview ?? preview(root.inputs),
    responsePreview: buffer.responsePreview ?? preview(root.outputs),
  };
  if (buffer.clientRequestId !== undefined) info.clientRequestId = buffer.clientRequestId;
  if (usage) info.tokenUsage = usage;
  return { info, data: { spans } };
}

/** JSON of a root input/output, cut to MLflow's preview length. */
export function preview(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text =
    typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
  return text.length > PREVIEW_LENGTH ? text.slice(0, PREVIEW_LENGTH) : text;
}

/**
 * Sums an attribute over the trace, counting a span only when no ancestor carries the same
 * attribute (a LangChain model span and the provider span beneath it are one call, not two).
 */
function sumOverTrace<T>(
  spans: SpanData[],
  key: string,
  add: (acc: T | undefined, value: unknown) => T | undefined,
): T | undefined {
  let withKey: Set<string> | undefined;
  for (const span of spans) if (span.attributes[key] !== undefined) (withKey ??= new Set()).add(span.spanId);
  if (!withKey) return undefined;
  const parents = new Map<string, string | null>();
  for (const span of spans) parents.set(span.spanId, span.parentId);
  let acc: T | undefined;
  for (const span of spans) {
    if (!withKey.has(span.spanId)) continue;
    let ancestor = span.parentId;
    let covered = false;
    while (ancestor) {
      if (withKey.has(ancestor)) {
        covered = true;
        break;
      }
      ancestor = parents.get(ancestor) ?? null;
    }
    if (!covered) acc = add(acc, span.attributes[key]);
  }
  return acc;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function addUsage(acc: TokenUsage | undefined, value: unknown): TokenUsage | undefined {
  if (!value || typeof value !== 'object') return acc;
  const u = value as Partial<TokenUsage>;
  const input = num(u.input_tokens);
  const output = num(u.output_tokens);
  const next: TokenUsage = {
    input_tokens: (acc?.input_tokens ?? 0) + input,
    output_tokens: (acc?.output_tokens ?? 0) + output,
    total_tokens:
      (acc?.total_tokens ?? 0) + (u.total_tokens !== undefined ? num(u.total_tokens) : input + output),
  };
  const cached = (acc?.cache_read_input_tokens ?? 0) + num(u.cache_read_input_tokens);
  if (cached) next.cache_read_input_tokens = cached;
  const reasoning = (acc?.reasoning_tokens ?? 0) + num(u.reasoning_tokens);
  if (reasoning) next.reasoning_tokens = reasoning;
  return next;
}

function addCost(acc: TokenCost | undefined, value: unknown): TokenCost | undefined {
  if (!value || typeof value !== 'object') return acc;
  const c = value as Partial<TokenCost>;
  return {
    input_cost: (acc?.input_cost ?? 0) + num(c.input_cost),
    output_cost: (acc?.output_cost ?? 0) + num(c.output_cost),
    total_cost: (acc?.total_cost ?? 0) + num(c.total_cost),
  };
}
