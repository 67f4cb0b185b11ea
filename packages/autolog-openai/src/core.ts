// The parts of @autolog/core this integration uses, in one place.
export { SpanType } from '@autolog/core';
export {
  AutologPlugin,
  SpanAttributeKey,
  diag,
  isTracingSuppressed,
  observeResult,
  observeStream,
  type StreamObserver,
  runInSpan,
  startSpan,
  settings as coreSettings,
  wrapMethod,
  unwrapMethod,
  type LiveSpan,
  type PluginStatus,
} from '@autolog/core/plugin';
