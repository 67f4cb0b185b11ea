/**
 * The toolkit for integrations (`@autolog/core/plugin`): the plugin base, method wrapping,
 * span helpers and the diagnostic logger. Applications use `@autolog/core` instead.
 */

export { nowNs } from '../clock.js';
export { SPAN_COST_KEY as COST_KEY } from '../cost.js';
export { describeError, diag } from '../diag.js';
export { isTracingSuppressed, runAndEnd, runInSpan, runLeafInSpan, startSpan } from '../fluent.js';
export { LiveSpan } from '../live-span.js';
export { readEnvFlag, settings } from '../settings.js';
export { TOKEN_USAGE_KEY } from '../trace-record.js';
export { startChildSpan } from './child-span.js';
export { SpanAttributeKey } from './keys.js';
export { observeResult, type ResultObserver } from './observe-result.js';
export { observeStream, type StreamObserver } from './observe-stream.js';
export { usageFromOpenAI } from './openai-usage.js';
export { type ParentResolver, registerParentResolver } from './parent-resolver.js';
export { AutologPlugin, type PluginStatus, resolveAllFromApp, resolveFromApp } from './plugin.js';
export { isWrapped, unwrapMethod, wrapMethod } from './wrap.js';
