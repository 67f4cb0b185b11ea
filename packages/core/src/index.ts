export { init, flushTraces, shutdown, getExportStats, type InitOptions } from './init.js';
export { autolog, INTEGRATIONS, type AutologOptions, type AutologResult, type IntegrationName } from './autolog.js';
export {
  trace,
  withSpan,
  startSpan,
  getCurrentActiveSpan,
  getLastActiveTraceId,
  updateCurrentTrace,
  tracingContext,
  runInSpan,
  type TraceOptions,
  type WithSpanOptions,
  type StartSpanOptions,
  type UpdateTraceOptions,
  type TracingContextOptions,
} from './fluent.js';
export {
  TracingClient,
  getTrace,
  type StartTraceOptions,
  type ClientStartSpanOptions,
  type ClientEndSpanOptions,
  type ClientEndTraceOptions,
} from './client.js';
export { searchTraces } from './query/api.js';
export type { SearchTracesResult } from './client.js';
export type { SearchTracesOptions } from './query/search-options.js';
export { tracesToRows, type TraceTableRow } from './query/to-rows.js';
export { parseFilter } from './query/parser.js';
export { formatFilter } from './query/ast.js';
export type { FilterCondition, FilterField, FilterOperator, ParsedFilter } from './query/ast.js';
export { InvalidFilterError } from './query/filter-error.js';
export {
  setTraceTag,
  deleteTraceTag,
  deleteTraces,
  logFeedback,
  logExpectation,
  getAssessment,
  updateAssessment,
  deleteAssessment,
} from './annotate/api.js';
export type { LogFeedbackOptions, LogExpectationOptions, UpdateAssessmentOptions } from './annotate/assessments.js';
export type { DeleteTracesOptions } from './annotate/tags.js';
export type { AssessmentErrorInput } from './annotate/validate.js';
export { getTraceStats, getSessionTimeline, getSlowestSpans, getErrorGroups } from './analyse/api.js';
export type { TraceStats, TraceStatsOptions } from './analyse/stats.js';
export type { SessionTimeline, SessionTurn } from './analyse/timeline.js';
export type { SlowSpan, SlowestSpansOptions, ErrorGroup, ErrorGroupsOptions } from './analyse/spans.js';
export { Trace } from './trace.js';
export { LiveSpan, type EndSpanOptions } from './live-span.js';
export { AutologError, type AutologErrorCode } from './errors.js';
export { MemoryDestination } from './destinations/memory.js';
export { ConsoleDestination } from './destinations/console.js';
export { MlflowDestination, type MlflowDestinationOptions } from './destinations/mlflow/mlflow-destination.js';
export { DatabricksDestination, type DatabricksDestinationOptions } from './destinations/databricks/databricks-destination.js';
export { OtlpDestination, type OtlpDestinationOptions, type OtlpProtocol } from './destinations/otlp/otlp-destination.js';
export { ExportError } from './destinations/export-error.js';
export { injectTraceContext, continueTrace, getTraceparent, parseTraceparent, type OutgoingHeaders, type IncomingHeaders } from './propagation.js';
export { LocalStore, defaultStorePath, type LocalStoreOptions } from './store/index.js';
export { formatTraceTree } from './format-tree.js';
export { safeStringify, toJsonSafe, type SerializeOptions } from './serialize.js';
export type { DestinationStats } from './destination-worker.js';
export type { RedactHook } from './settings.js';
export { SpanType } from './types.js';
export type {
  SpanTypeName,
  SpanStatus,
  SpanStatusCode,
  SpanEvent,
  SpanData,
  TraceState,
  TraceInfo,
  TraceData,
  TraceRecord,
  TokenUsage,
  TokenCost,
  Destination,
  TraceStore,
  Assessment,
  AssessmentSource,
  AssessmentSourceType,
  Feedback,
  Expectation,
} from './types.js';
