export { init, flushTraces, shutdown, getExportStats, type InitOptions } from './init.js';
export {
  trace,
  withSpan,
  startSpan,
  getCurrentActiveSpan,
  getLastActiveTraceId,
  updateCurrentTrace,
  tracingContext,
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
export { Trace } from './trace.js';
export { LiveSpan, type EndSpanOptions } from './live-span.js';
export { AutologError, type AutologErrorCode } from './errors.js';
export { MemoryDestination } from './destinations/memory.js';
export { ConsoleDestination } from './destinations/console.js';
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
