// The parts of @autolog/core this integration uses, in one place.
export { SpanType, type TokenUsage, tracingContext } from '@autolog/core';
export {
  AutologPlugin,
  describeError,
  diag,
  isWrapped,
  type LiveSpan,
  type PluginStatus,
  readEnvFlag,
  registerParentResolver,
  resolveAllFromApp,
  runInSpan,
  SpanAttributeKey,
  settings as coreSettings,
  startSpan,
  unwrapMethod,
  wrapMethod,
} from '@autolog/core/plugin';
