/**
 * Public entities of the trace model (DESIGN §2–§3). These shapes are the contract that the
 * destinations, plugins, examples and tests rely on.
 */

/** Span types MLflow knows; any other string (for example `CLASSIFIER`) is allowed too. */
export const SpanType = {
  LLM: 'LLM',
  CHAT_MODEL: 'CHAT_MODEL',
  CHAIN: 'CHAIN',
  AGENT: 'AGENT',
  TOOL: 'TOOL',
  RETRIEVER: 'RETRIEVER',
  EMBEDDING: 'EMBEDDING',
  RERANKER: 'RERANKER',
  PARSER: 'PARSER',
  MEMORY: 'MEMORY',
  UNKNOWN: 'UNKNOWN',
} as const;
export type SpanTypeName = (typeof SpanType)[keyof typeof SpanType] | (string & {});

export type SpanStatusCode = 'UNSET' | 'OK' | 'ERROR';
export interface SpanStatus {
  code: SpanStatusCode;
  message?: string;
}

export type TraceState = 'OK' | 'ERROR' | 'IN_PROGRESS';

export interface SpanEvent {
  name: string;
  /** Epoch nanoseconds. */
  timeNs: number;
  attributes: Record<string, unknown>;
}

/** Token usage in MLflow's shape (`mlflow.chat.tokenUsage`). */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cache_read_input_tokens?: number;
  reasoning_tokens?: number;
}

/** Cost in USD (`mlflow.llm.cost`). */
export interface TokenCost {
  input_cost: number;
  output_cost: number;
  total_cost: number;
}

/**
 * A finished (or, for a trace still in progress, an open) span as stored and exported.
 * `inputs`, `outputs`, attribute values and event attributes are JSON-safe values.
 */
export interface SpanData {
  traceId: string;
  spanId: string;
  parentId: string | null;
  name: string;
  spanType: SpanTypeName;
  /** Epoch nanoseconds. */
  startTimeNs: number;
  /** Epoch nanoseconds; null while the span is open. */
  endTimeNs: number | null;
  status: SpanStatus;
  inputs?: unknown;
  outputs?: unknown;
  attributes: Record<string, unknown>;
  events: SpanEvent[];
}

export type AssessmentSourceType = 'HUMAN' | 'LLM_JUDGE' | 'CODE';
export interface AssessmentSource {
  sourceType: AssessmentSourceType;
  sourceId: string;
}

export interface AssessmentError {
  errorCode: string;
  errorMessage?: string;
  stackTrace?: string;
}

interface AssessmentBase {
  assessmentId: string;
  traceId: string;
  spanId?: string;
  name: string;
  source: AssessmentSource;
  rationale?: string;
  metadata?: Record<string, string>;
  /** Epoch milliseconds. */
  createTime: number;
  lastUpdateTime: number;
  /** Id of the assessment this one replaces; the replaced one becomes invalid. */
  overrides?: string;
  valid: boolean;
}

export type FeedbackValue = boolean | number | string | Record<string, unknown> | unknown[] | null;
export interface Feedback extends AssessmentBase {
  kind: 'feedback';
  value?: FeedbackValue;
  error?: AssessmentError;
}
export interface Expectation extends AssessmentBase {
  kind: 'expectation';
  value: unknown;
}
export type Assessment = Feedback | Expectation;

export interface TraceInfo {
  /** `tr-` followed by 32 hex characters (the OpenTelemetry trace id). */
  traceId: string;
  clientRequestId?: string;
  experimentId: string;
  /** Epoch milliseconds of the root span's start. */
  requestTime: number;
  /** Milliseconds from root start to root end. */
  executionDuration: number;
  state: TraceState;
  traceMetadata: Record<string, string>;
  tags: Record<string, string>;
  assessments: Assessment[];
  requestPreview?: string;
  responsePreview?: string;
  tokenUsage?: TokenUsage;
}

export interface TraceData {
  spans: SpanData[];
}

/** A finished trace as handed to destinations and read back from stores. */
export interface TraceRecord {
  info: TraceInfo;
  data: TraceData;
}

/**
 * Where finished traces go. A custom destination is a few lines: implement `export`.
 * `export` receives batches off the application's hot path; a rejected promise or a
 * thrown error is retried by the pipeline with backoff (up to its bound) and never
 * reaches the application.
 */
export interface Destination {
  /** Short name used in logs and export statistics, e.g. `sqlite`, `memory`. */
  readonly name: string;
  export(traces: readonly TraceRecord[]): Promise<void> | void;
  /**
   * Names this destination in the spool file. A destination with a `spoolKey` (the network
   * destinations) has traces it cannot take in time written to the spool and delivered later,
   * also after a restart; without one they are dropped and counted. Same key = same target.
   */
  readonly spoolKey?: string;
  /** Called once with the resolved experiment before the first export, when known. */
  forceFlush?(): Promise<void> | void;
  shutdown?(): Promise<void> | void;
}

/** A destination that can also read traces back and annotate them (the local store, MLflow). */
export interface TraceStore extends Destination {
  getTrace(traceId: string): Promise<TraceRecord | null> | TraceRecord | null;
}
