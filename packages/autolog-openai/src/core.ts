// The parts of @autolog/core this integration uses, in one place.
export { SpanType, toJsonSafe } from '@autolog/core';
export {
  AutologPlugin,
  diag,
  isTracingSuppressed,
  type LiveSpan,
  observeResult,
  observeStream,
  type PluginStatus,
  readEnvFlag,
  runAndEnd,
  runInSpan,
  runLeafInSpan,
  SpanAttributeKey,
  type StreamObserver,
  settings as coreSettings,
  startSpan,
  unwrapMethod,
  usageFromOpenAI,
  wrapMethod,
} from '@autolog/core/plugin';
