import type { TokenUsage } from '../types.js';

const n = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Token usage in MLflow's shape from an OpenAI API `usage` object of any endpoint: chat and
 * completions (`prompt_tokens`, `completion_tokens`, `*_tokens_details`), responses
 * (`input_tokens`, `output_tokens`, `*_tokens_details`), embeddings, and Assistants runs and run
 * steps (`prompt_token_details`). `undefined` when it reports no input tokens (e.g. a run that has
 * not reached a terminal state).
 *
 * @example
 * usageFromOpenAI({ prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 }); // { input_tokens: 12, output_tokens: 4, total_tokens: 16 }
 */
export function usageFromOpenAI(usage: any): TokenUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const input = n(usage.prompt_tokens) ?? n(usage.input_tokens);
  const output = n(usage.completion_tokens) ?? n(usage.output_tokens) ?? 0;
  if (input === undefined) return undefined;
  const out: TokenUsage = {
    input_tokens: input,
    output_tokens: output,
    total_tokens: n(usage.total_tokens) ?? input + output,
  };
  const cached =
    n(usage.prompt_tokens_details?.cached_tokens) ??
    n(usage.input_tokens_details?.cached_tokens) ??
    n(usage.prompt_token_details?.cached_tokens);
  if (cached) out.cache_read_input_tokens = cached;
  const reasoning =
    n(usage.completion_tokens_details?.reasoning_tokens) ?? n(usage.output_tokens_details?.reasoning_tokens);
  if (reasoning) out.reasoning_tokens = reasoning;
  return out;
}
