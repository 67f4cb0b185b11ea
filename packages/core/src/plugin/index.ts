/**
 * The toolkit for integrations (`@autolog/core/plugin`): the plugin base, method wrapping,
 * span helpers and the diagnostic logger. Applications use `@autolog/core` instead.
 */
export { AutologPlugin, resolveFromApp, resolveAllFromApp, type PluginStatus } from './plugin.js';
export { wrapMethod, unwrapMethod, isWrapped } from './wrap.js';
export { runInSpan, isTracingSuppressed, startSpan } from '../fluent.js';
export { settings } from '../settings.js';
export { diag, describeError } from '../diag.js';
export { LiveSpan } from '../live-span.js';
export { TOKEN_USAGE_KEY, COST_KEY } from '../trace-record.js';
export { SpanAttributeKey } from './keys.js';
export { registerParentResolver, type ParentResolver } from './parent-resolver.js';
export { observeResult, type ResultObserver } from './observe-result.js';
export { observeStream, type StreamObserver } from './observe-stream.js';
export { nowNs } from '../clock.js';
export { startChildSpan } from './child-span.js';
