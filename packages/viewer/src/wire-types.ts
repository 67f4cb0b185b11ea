/**
 * The JSON the viewer's API sends, shared by the server and the browser UI. The UI is its own
 * program (DOM, no Node), so it reads these shapes rather than importing `@autolog/core`; the
 * server's handlers are typed with them, so the compiler checks that the core's types still fit.
 */

export type WireTraceState = 'OK' | 'ERROR' | 'IN_PROGRESS';

export interface WireTokenUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cache_read_input_tokens?: number;
  reasoning_tokens?: number;
}

export interface WireTokenCost {
  input_cost: number;
  output_cost: number;
  total_cost: number;
}

export interface WireSpanEvent {
  name: string;
  timeNs: number;
  attributes: Record<string, unknown>;
}

export interface WireSpan {
  traceId: string;
  spanId: string;
  parentId: string | null;
  name: string;
  spanType: string;
  startTimeNs: number;
  endTimeNs: number | null;
  status: { code: string; message?: string };
  inputs?: unknown;
  outputs?: unknown;
  attributes: Record<string, unknown>;
  events: WireSpanEvent[];
}

export interface WireAssessment {
  assessmentId: string;
  traceId: string;
  spanId?: string;
  name: string;
  kind: 'feedback' | 'expectation';
  value?: unknown;
  error?: { errorCode: string; errorMessage?: string; stackTrace?: string };
  source: { sourceType: string; sourceId: string };
  rationale?: string;
  metadata?: Record<string, string>;
  createTime: number;
  lastUpdateTime: number;
  overrides?: string;
  valid: boolean;
}

export interface WireTraceInfo {
  traceId: string;
  clientRequestId?: string;
  experimentId: string;
  requestTime: number;
  executionDuration: number;
  state: WireTraceState;
  traceMetadata: Record<string, string>;
  tags: Record<string, string>;
  assessments: WireAssessment[];
  requestPreview?: string;
  responsePreview?: string;
  tokenUsage?: WireTokenUsage;
}

/** `GET /api/traces/:id`. */
export interface TraceResponse {
  info: WireTraceInfo;
  spans: WireSpan[];
  /** Total cost in USD, when the trace carries `mlflow.trace.cost`. */
  costUsd: number | null;
}

/** One trace in the list. */
export interface TraceSummary {
  traceId: string;
  experimentId: string;
  name: string | null;
  /** Epoch ms. */
  requestTime: number;
  durationMs: number;
  state: WireTraceState;
  user: string | null;
  session: string | null;
  tokens: WireTokenUsage | null;
  /** Total cost in USD, when the trace carries `mlflow.trace.cost`. */
  costUsd: number | null;
  /** Root inputs and outputs, cut for the table. */
  requestPreview: string | null;
  responsePreview: string | null;
  /** Valid feedback and expectations. */
  assessmentCount: number;
}

/** `GET /api/traces`. */
export interface TraceListPage {
  traces: TraceSummary[];
  nextPageToken: string | null;
}

export interface ExperimentEntry {
  experimentId: string;
  name: string;
}

/** `GET /api/config`. */
export interface ViewerConfig {
  experiments: ExperimentEntry[];
  defaultExperimentIds: string[];
  fixedExperiment: string | null;
  reviewer: string;
  storePath: string;
}

/** One row of `GET /api/sessions`. */
export interface SessionSummary {
  sessionId: string;
  users: string[];
  turns: number;
  errors: number;
  firstRequestTime: number;
  lastRequestTime: number;
  meanLatencyMs: number;
  totalTokens: number;
  costUsd: number;
}

export interface WireSessionTurn {
  turn: number;
  traceId: string;
  requestTime: number;
  durationMs: number;
  status: WireTraceState;
  request: unknown;
  response: unknown;
  user: string | null;
  assessments: WireAssessment[];
}

/** `GET /api/sessions/:id`. */
export interface WireSessionTimeline {
  sessionId: string;
  turns: WireSessionTurn[];
  users: string[];
  errors: number;
  spanMs: number;
}

export interface WireTraceStats {
  group: Record<string, string | null>;
  count: number;
  users: number;
  sessions: number;
  errors: number;
  errorRate: number;
  latencyMs: { mean: number; p50: number; p95: number; min: number; max: number };
  tokens: { input: number; output: number; total: number };
  costUsd: number;
  firstRequestTime: number;
  lastRequestTime: number;
}

/** `GET /api/stats`: per group, and per group and time bucket (group key `time`). */
export interface StatsResponse {
  totals: WireTraceStats[];
  series: WireTraceStats[];
}
