/**
 * Conversion between the trace model and the store's rows. Positional parameter arrays are
 * used on the write path (they bind faster than named ones); their order matches the
 * INSERT statements in `statements.ts`.
 */
import { traceCost } from '../cost.js';
import type { Assessment, AssessmentError, SpanData, TokenUsage, TraceInfo, TraceState } from '../types.js';
import { COST_METADATA_KEY, TOKEN_USAGE_METADATA_KEY } from './shared-metadata.js';

export interface TraceRow {
  trace_id: string;
  experiment_id: string;
  client_request_id: string | null;
  request_time: number;
  execution_duration: number;
  state: string;
  name: string | null;
  request_preview: string | null;
  response_preview: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  cache_read_input_tokens: number | null;
  reasoning_tokens: number | null;
  /** Copies of metadata `mlflow.trace.user` / `mlflow.trace.session` and the total of `mlflow.trace.cost`. */
  user_id?: string | null;
  session_id?: string | null;
  total_cost?: number | null;
  /** The set of shared metadata (`shared-metadata.ts`) the trace refers to. */
  metadata_set?: number | null;
  /** Metadata `mlflow.trace.tokenUsage` and `mlflow.trace.cost`, as written (`shared-metadata.ts`). */
  token_usage?: string | null;
  cost?: string | null;
}

export interface KeyValueRow {
  trace_id: string;
  key: string;
  value: string;
}

export interface AssessmentRow {
  assessment_id: string;
  trace_id: string;
  span_id: string | null;
  name: string;
  kind: 'feedback' | 'expectation';
  value: string | null;
  error: string | null;
  source_type: string;
  source_id: string;
  rationale: string | null;
  metadata: string | null;
  create_time: number;
  last_update_time: number;
  overrides: string | null;
  valid: number;
}

export type SqlValue = string | number | null;

/** The tag that carries the root span's name (DESIGN §3). */
export const TRACE_NAME_TAG = 'mlflow.traceName';

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
const stringOrNull = (v: unknown): string | null => (v === undefined || v === null ? null : String(v));
const jsonOrNull = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

/** The trace's name: the `mlflow.traceName` tag, else the root span's name. */
export function traceName(info: TraceInfo, spans: readonly SpanData[]): string | null {
  const tagged = info.tags?.[TRACE_NAME_TAG];
  if (tagged !== undefined) return tagged;
  for (const span of spans) if (span.parentId == null) return span.name;
  return null;
}

/** Parameters of `insertTrace`, in column order. */
export function traceParams(
  info: TraceInfo,
  experimentId: string,
  name: string | null,
  metadataSet: number | null = null,
): SqlValue[] {
  const usage = info.tokenUsage;
  return [
    info.traceId,
    experimentId,
    orNull(info.clientRequestId),
    info.requestTime,
    info.executionDuration,
    info.state,
    name,
    orNull(info.requestPreview),
    orNull(info.responsePreview),
    usage ? usage.input_tokens : null,
    usage ? usage.output_tokens : null,
    usage ? usage.total_tokens : null,
    usage ? orNull(usage.cache_read_input_tokens) : null,
    usage ? orNull(usage.reasoning_tokens) : null,
    stringOrNull(info.traceMetadata?.[USER_KEY]),
    stringOrNull(info.traceMetadata?.[SESSION_KEY]),
    traceCost(info) ?? null,
    metadataSet,
    stringOrNull(info.traceMetadata?.[TOKEN_USAGE_METADATA_KEY]),
    stringOrNull(info.traceMetadata?.[COST_METADATA_KEY]),
  ];
}

/** Trace metadata keys copied into columns of `traces` (for search and statistics). */
export const USER_KEY = 'mlflow.trace.user';
export const SESSION_KEY = 'mlflow.trace.session';

/**
 * A trace in the form the writer takes: its info, its name, and each span's `insertSpan`
 * parameters (the span already as JSON). Made where the trace is (for the writer thread, on
 * the application's thread), so only strings and numbers cross to the writer.
 */
export interface EncodedTrace {
  info: TraceInfo;
  name: string | null;
  spanRows: SqlValue[][];
}

export function encodeTrace(record: {
  info: TraceInfo;
  data?: { spans?: readonly SpanData[] };
}): EncodedTrace {
  const spans = record.data?.spans ?? [];
  const traceId = record.info.traceId;
  const spanRows: SqlValue[][] = new Array(spans.length);
  for (let i = 0; i < spans.length; i++) spanRows[i] = spanParams(traceId, spans[i]);
  return { info: record.info, name: traceName(record.info, spans), spanRows };
}

/** Parameters of `insertSpan`, in column order; the whole span goes to `content` as JSON. */
export function spanParams(traceId: string, span: SpanData): SqlValue[] {
  return [
    traceId,
    span.spanId,
    span.parentId ?? null,
    span.name,
    orNull(span.spanType),
    span.status?.code ?? 'UNSET',
    span.startTimeNs,
    span.endTimeNs ?? null,
    JSON.stringify(span),
  ];
}

/** Parameters of `upsertAssessment`, in column order. */
export function assessmentParams(a: Assessment, traceId: string = a.traceId): SqlValue[] {
  return [
    a.assessmentId,
    traceId,
    orNull(a.spanId),
    a.name,
    a.kind,
    jsonOrNull(a.value),
    a.kind === 'feedback' ? jsonOrNull(a.error) : null,
    a.source.sourceType,
    a.source.sourceId,
    orNull(a.rationale),
    jsonOrNull(a.metadata),
    a.createTime,
    a.lastUpdateTime,
    orNull(a.overrides),
    a.valid === false ? 0 : 1,
  ];
}

/** Rebuilds an assessment; optional fields absent in the row are absent in the object. */
export function assessmentFromRow(row: AssessmentRow): Assessment {
  const a: Record<string, unknown> = {
    assessmentId: row.assessment_id,
    traceId: row.trace_id,
    name: row.name,
    kind: row.kind,
    source: { sourceType: row.source_type, sourceId: row.source_id },
    createTime: row.create_time,
    lastUpdateTime: row.last_update_time,
    valid: row.valid !== 0,
  };
  if (row.span_id !== null) a.spanId = row.span_id;
  if (row.value !== null) a.value = JSON.parse(row.value);
  if (row.kind === 'feedback' && row.error !== null) {
    a.error = JSON.parse(row.error) as AssessmentError;
  }
  if (row.rationale !== null) a.rationale = row.rationale;
  if (row.metadata !== null) a.metadata = JSON.parse(row.metadata) as Record<string, string>;
  if (row.overrides !== null) a.overrides = row.overrides;
  return a as unknown as Assessment;
}

function tokenUsageFromRow(row: TraceRow): TokenUsage | undefined {
  if (row.input_tokens === null && row.output_tokens === null && row.total_tokens === null) {
    return undefined;
  }
  const usage: TokenUsage = {
    input_tokens: row.input_tokens ?? 0,
    output_tokens: row.output_tokens ?? 0,
    total_tokens: row.total_tokens ?? 0,
  };
  if (row.cache_read_input_tokens !== null) usage.cache_read_input_tokens = row.cache_read_input_tokens;
  if (row.reasoning_tokens !== null) usage.reasoning_tokens = row.reasoning_tokens;
  return usage;
}

/** Rebuilds a trace's info from its row and its child rows. */
export function traceInfoFromRow(
  row: TraceRow,
  tags: Record<string, string>,
  traceMetadata: Record<string, string>,
  assessments: Assessment[],
): TraceInfo {
  // The trace's name is its `mlflow.traceName` tag (stored once, in the `name` column).
  if (row.name !== null && tags[TRACE_NAME_TAG] === undefined) tags[TRACE_NAME_TAG] = row.name;
  const info: TraceInfo = {
    traceId: row.trace_id,
    experimentId: row.experiment_id,
    requestTime: row.request_time,
    executionDuration: row.execution_duration,
    state: row.state as TraceState,
    traceMetadata,
    tags,
    assessments,
  };
  if (row.client_request_id !== null) info.clientRequestId = row.client_request_id;
  if (row.request_preview !== null) info.requestPreview = row.request_preview;
  if (row.response_preview !== null) info.responsePreview = row.response_preview;
  const usage = tokenUsageFromRow(row);
  if (usage) info.tokenUsage = usage;
  return info;
}

/** Folds key/value rows into one record per trace id. */
export function groupKeyValues(rows: readonly KeyValueRow[]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const row of rows) {
    const record = out.get(row.trace_id);
    if (record) record[row.key] = row.value;
    else out.set(row.trace_id, { [row.key]: row.value });
  }
  return out;
}
