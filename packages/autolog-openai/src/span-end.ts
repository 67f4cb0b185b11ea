import { coreSettings, type LiveSpan, SpanAttributeKey, toJsonSafe, usageFromOpenAI } from './core.js';
import { costOf, priceOf } from './pricing.js';
import type { ModelPrice } from './types.js';

export interface CallContext {
  span: LiveSpan;
  captureContent: boolean;
  prices: Record<string, ModelPrice>;
  /** Model named in the request (for Azure, often the deployment name). */
  requestModel: string | undefined;
  /** performance.now() at the call, for time to first token. */
  startedAt: number;
}

/** Records the response on the span (model, usage, cost, outputs) and ends it. */
export function endWithResponse(
  ctx: CallContext,
  response: any,
  outputs: unknown,
  extra?: Record<string, unknown>,
): void {
  recordResponse(ctx, response, outputs, extra);
  ctx.span.end();
}

/**
 * Ends the span now and records a response the integration builds itself (a stream's completion)
 * when the span is exported, off the caller's path. `build` runs once, later: it must read only
 * what nothing else can change meanwhile.
 */
export function endWithBuiltResponse(
  ctx: CallContext,
  build: () => { response: any; extra?: Record<string, unknown> },
): void {
  ctx.span.endThenComplete(() => {
    const { response, extra } = build();
    recordResponse(ctx, response, response, extra);
  });
}

/** Model, usage, cost, response id, extra attributes and outputs of a response, on the open span. */
function recordResponse(
  ctx: CallContext,
  response: any,
  outputs: unknown,
  extra?: Record<string, unknown>,
): void {
  const { span } = ctx;
  const model = typeof response?.model === 'string' ? response.model : ctx.requestModel;
  if (model) span.setAttribute(SpanAttributeKey.MODEL, model);
  const usage = usageFromOpenAI(response?.usage);
  if (usage) {
    span.setAttribute(SpanAttributeKey.TOKEN_USAGE, usage);
    const price = priceOf(model, ctx.prices) ?? priceOf(ctx.requestModel, ctx.prices);
    if (price) span.setAttribute(SpanAttributeKey.COST, costOf(usage, price));
  }
  if (typeof response?.id === 'string') span.setAttribute('gen_ai.response.id', response.id);
  if (extra) span.setAttributes(extra);
  if (ctx.captureContent && outputs !== undefined) span.setOutputs(outputs);
}

/**
 * A snapshot of a value the app also holds (the usage in a stream's last chunk), for a span that
 * records it later: core's JSON-safe copy, within the serialisation caps.
 */
export function snapshotNow(value: unknown): unknown {
  return toJsonSafe(value, coreSettings().serialize);
}

export function endWithError(ctx: CallContext, error: unknown): void {
  const status = (error as { status?: unknown })?.status;
  if (typeof status === 'number') ctx.span.setAttribute('http.response.status_code', status);
  ctx.span.recordException(error);
  ctx.span.end();
}

export function markFirstToken(ctx: CallContext, state: { first: boolean }): void {
  if (state.first) return;
  state.first = true;
  ctx.span.setAttribute(
    SpanAttributeKey.TIME_TO_FIRST_TOKEN_MS,
    Math.round((performance.now() - ctx.startedAt) * 1000) / 1000,
  );
}
