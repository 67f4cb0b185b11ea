import type { TokenUsage } from '@autolog/core';

const n = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Token usage in MLflow's shape from any OpenAI usage object (chat, completions, responses, embeddings). */
export function toTokenUsage(usage: any): TokenUsage | undefined {
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
    n(usage.prompt_tokens_details?.cached_tokens) ?? n(usage.input_tokens_details?.cached_tokens);
  if (cached) out.cache_read_input_tokens = cached;
  const reasoning =
    n(usage.completion_tokens_details?.reasoning_tokens) ?? n(usage.output_tokens_details?.reasoning_tokens);
  if (reasoning) out.reasoning_tokens = reasoning;
  return out;
}
