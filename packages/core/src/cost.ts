/**
 * Reading what a trace or a span cost: the `total_cost` of `mlflow.trace.cost` (trace metadata,
 * JSON) or `mlflow.llm.cost` (span attribute, an object, or its JSON when read from a store).
 */
import type { SpanData, TraceInfo } from './types.js';

/** Trace metadata key holding the trace's summed cost as JSON (`{ input_cost, output_cost, total_cost }`). */
export const TRACE_COST_KEY = 'mlflow.trace.cost';

/** Span attribute key holding a model call's cost (`{ input_cost, output_cost, total_cost }`). */
export const SPAN_COST_KEY = 'mlflow.llm.cost';

/** `total_cost` (USD) of a cost object or its JSON; undefined when there is none or it is not a finite number. */
export function costTotal(value: unknown): number | undefined {
  let cost = value;
  if (typeof cost === 'string') {
    try {
      cost = JSON.parse(cost);
    } catch {
      return undefined;
    }
  }
  const total = (cost as { total_cost?: unknown } | null | undefined)?.total_cost;
  return typeof total === 'number' && Number.isFinite(total) ? total : undefined;
}

/**
 * What a trace cost in USD: the sum over its model calls, as recorded in its metadata; undefined
 * for a trace with no priced call.
 *
 * @example
 * const trace = await client.getTrace(traceId);
 * console.log(traceCost(trace.info)?.toFixed(6) ?? 'no cost');
 */
export function traceCost(info: Pick<TraceInfo, 'traceMetadata'>): number | undefined {
  return costTotal(info.traceMetadata?.[TRACE_COST_KEY]);
}

/** What one span's model call cost in USD (`mlflow.llm.cost`); undefined when it has none. */
export function spanCost(span: Pick<SpanData, 'attributes'>): number | undefined {
  return costTotal(span.attributes?.[SPAN_COST_KEY]);
}
