export {
  type ConformanceCheck,
  type ConformanceSpan,
  type PluginHarness,
  pluginConformance,
} from './conformance.js';
export { startMlflowServer } from './mlflow/server.js';
export { MlflowState, type StoredExperiment, type StoredTrace } from './mlflow/state.js';
export type {
  CredentialType,
  MlflowFailureSpec,
  MlflowServer,
  MlflowServerOptions,
  RecordedMlflowRequest,
} from './mlflow/types.js';
export { ALL_TOOLS_TRIGGER, TOOL_TRIGGER } from './openai/reply.js';
export { startOpenAIServer } from './openai/server.js';
export type {
  AzureTarget,
  ErrorFields,
  FailureSpec,
  OpenAIRoute,
  OpenAIServer,
  OpenAIServerOptions,
  RecordedRequest,
  RecordedResponse,
  RequestKnobs,
  RouteContext,
  SseWriter,
} from './openai/types.js';
export { type CollectedSpan, type OtlpCollector, startOtlpCollector } from './otlp/otlp-collector.js';
export { decodeTraceRequest, encodeTraceRequest } from './otlp/otlp-proto.js';
export { type RunScriptOptions, runScriptForJson } from './run-script.js';
