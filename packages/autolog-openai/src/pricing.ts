import type { TokenCost, TokenUsage } from '@autolog/core';
import type { ModelPrice } from './types.js';

/**
 * A small table of list prices (USD per million tokens) for common models. Cost is an estimate:
 * override or extend it with the `prices` option.
 */
export const DEFAULT_PRICES: Record<string, ModelPrice> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6, cachedInput: 0.075 },
  'gpt-4o': { input: 2.5, output: 10, cachedInput: 1.25 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cachedInput: 0.025 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cachedInput: 0.1 },
  'gpt-4.1': { input: 2, output: 8, cachedInput: 0.5 },
  'gpt-4-turbo': { input: 10, output: 30 },
  'gpt-4': { input: 30, output: 60 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cachedInput: 0.005 },
  'gpt-5-mini': { input: 0.25, output: 2, cachedInput: 0.025 },
  'gpt-5': { input: 1.25, output: 10, cachedInput: 0.125 },
  'o4-mini': { input: 1.1, output: 4.4, cachedInput: 0.275 },
  'o3-mini': { input: 1.1, output: 4.4, cachedInput: 0.55 },
  o3: { input: 2, output: 8, cachedInput: 0.5 },
  o1: { input: 15, output: 60, cachedInput: 7.5 },
  'text-embedding-3-small': { input: 0.02, output: 0 },
  'text-embedding-3-large': { input: 0.13, output: 0 },
  'text-embedding-ada-002': { input: 0.1, output: 0 },
  'gpt-3.5-turbo-instruct': { input: 1.5, output: 2 },
};

/** Finds a model's price by exact name, then by the longest matching prefix. */
export function priceOf(
  model: string | undefined,
  table: Record<string, ModelPrice>,
): ModelPrice | undefined {
  if (!model) return undefined;
  if (table[model]) return table[model];
  let best: string | undefined;
  for (const key of Object.keys(table))
    if (model.startsWith(key) && (!best || key.length > best.length)) best = key;
  return best ? table[best] : undefined;
}

export function costOf(usage: TokenUsage, price: ModelPrice): TokenCost {
  const cached = usage.cache_read_input_tokens ?? 0;
  const input =
    ((usage.input_tokens - cached) * price.input + cached * (price.cachedInput ?? price.input)) / 1e6;
  const output = (usage.output_tokens * price.output) / 1e6;
  return { input_cost: round(input), output_cost: round(output), total_cost: round(input + output) };
}

const round = (n: number) => Math.round(n * 1e10) / 1e10;
