// The parts of @autolog/core this integration uses, in one place.
export { SpanType, type TokenUsage, updateCurrentTrace } from '@autolog/core';
export {
  AutologPlugin,
  describeError,
  diag,
  isTracingSuppressed,
  type LiveSpan,
  nowNs,
  observeResult,
  observeStream,
  type PluginStatus,
  readEnvFlag,
  runInSpan,
  SpanAttributeKey,
  type StreamObserver,
  settings as coreSettings,
  startChildSpan,
  startSpan,
  unwrapMethod,
  usageFromOpenAI,
  wrapMethod,
} from '@autolog/core/plugin';
