export { getErrorGroups, getSessionTimeline, getSlowestSpans, getTraceStats } from './analyse/api.js';
export type { ErrorGroup, ErrorGroupsOptions, SlowestSpansOptions, SlowSpan } from './analyse/spans.js';
export type { TraceStats, TraceStatsOptions } from './analyse/stats.js';
export type { SessionTimeline, SessionTurn } from './analyse/timeline.js';
export {
  deleteAssessment,
  deleteTraces,
  deleteTraceTag,
  getAssessment,
  logExpectation,
  logFeedback,
  setTraceTag,
  updateAssessment,
} from './annotate/api.js';
export type {
  LogExpectationOptions,
  LogFeedbackOptions,
  UpdateAssessmentOptions,
} from './annotate/assessments.js';
export type { DeleteTracesOptions } from './annotate/tags.js';
export type { AssessmentErrorInput } from './annotate/validate.js';
export {
  type AutologOptions,
  type AutologResult,
  autolog,
  INTEGRATIONS,
  type IntegrationName,
} from './autolog.js';
export type { SearchTracesResult } from './client.js';
export {
  type ClientEndSpanOptions,
  type ClientEndTraceOptions,
  type ClientStartSpanOptions,
  getTrace,
  type StartTraceOptions,
  TracingClient,
} from './client.js';
export { costTotal, spanCost, traceCost } from './cost.js';
export type { DestinationStats } from './destination-worker.js';
export { ConsoleDestination } from './destinations/console.js';
export {
  DatabricksDestination,
  type DatabricksDestinationOptions,
} from './destinations/databricks/databricks-destination.js';
export { ExportError } from './destinations/export-error.js';
export { MemoryDestination } from './destinations/memory.js';
export {
  MlflowDestination,
  type MlflowDestinationOptions,
} from './destinations/mlflow/mlflow-destination.js';
export {
  OtlpDestination,
  type OtlpDestinationOptions,
  type OtlpProtocol,
} from './destinations/otlp/otlp-destination.js';
export { AutologError, type AutologErrorCode } from './errors.js';
export {
  getCurrentActiveSpan,
  getLastActiveTraceId,
  runInSpan,
  type StartSpanOptions,
  startSpan,
  type TraceOptions,
  type TracingContextOptions,
  trace,
  tracingContext,
  type UpdateTraceOptions,
  updateCurrentTrace,
  type WithSpanOptions,
  withSpan,
} from './fluent.js';
export { formatTraceTree } from './format-tree.js';
export { flushTraces, getExportStats, type InitOptions, init, shutdown } from './init.js';
export { type EndSpanOptions, LiveSpan } from './live-span.js';
export {
  continueTrace,
  getTraceparent,
  type IncomingHeaders,
  injectTraceContext,
  type OutgoingHeaders,
  parseTraceparent,
} from './propagation.js';
export { searchTraces } from './query/api.js';
export type { FilterCondition, FilterField, FilterOperator, ParsedFilter } from './query/ast.js';
export { formatFilter } from './query/ast.js';
export { InvalidFilterError } from './query/filter-error.js';
export { parseFilter } from './query/parser.js';
export type { SearchTracesOptions } from './query/search-options.js';
export { type TraceTableRow, tracesToRows } from './query/to-rows.js';
export { type SerializeOptions, safeStringify, toJsonSafe } from './serialize.js';
export type { RedactHook } from './settings.js';
export { defaultStorePath, LocalStore, type LocalStoreOptions } from './store/index.js';
export { Trace } from './trace.js';
export { traceFromMlflowJson } from './trace-from-json.js';
export type {
  Assessment,
  AssessmentSource,
  AssessmentSourceType,
  Destination,
  Expectation,
  Feedback,
  SpanData,
  SpanEvent,
  SpanStatus,
  SpanStatusCode,
  SpanTypeName,
  TokenCost,
  TokenUsage,
  TraceData,
  TraceInfo,
  TraceRecord,
  TraceState,
  TraceStore,
} from './types.js';
export { SpanType } from './types.js';
