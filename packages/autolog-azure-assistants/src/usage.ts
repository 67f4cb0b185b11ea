import type { TokenUsage } from './core.js';

const n = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * A run's or run step's `usage` (`prompt_tokens`, `completion_tokens`, `total_tokens`) in
 * MLflow's token-usage shape; `undefined` while the API reports none (before a terminal state).
 */
export function toTokenUsage(usage: any): TokenUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const input = n(usage.prompt_tokens);
  if (input === undefined) return undefined;
  const output = n(usage.completion_tokens) ?? 0;
  const out: TokenUsage = {
    input_tokens: input,
    output_tokens: output,
    total_tokens: n(usage.total_tokens) ?? input + output,
  };
  const cached = n(usage.prompt_token_details?.cached_tokens);
  if (cached) out.cache_read_input_tokens = cached;
  return out;
}
