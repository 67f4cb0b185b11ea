/** Token counts behind a reply, shared by every endpoint's usage shape. */
export interface TokenCounts {
  prompt: number;
  /** Visible output tokens (text or tool calls), excluding reasoning. */
  output: number;
  reasoning: number;
  cached: number;
}

/** `usage` of chat completions (and, without details, legacy completions). */
export function completionUsage(counts: TokenCounts) {
  const completion = counts.output + counts.reasoning;
  return {
    prompt_tokens: counts.prompt,
    completion_tokens: completion,
    total_tokens: counts.prompt + completion,
    prompt_tokens_details: { cached_tokens: Math.min(counts.cached, counts.prompt), audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: counts.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** `usage` of the Responses API. */
export function responseUsage(counts: TokenCounts) {
  const output = counts.output + counts.reasoning;
  return {
    input_tokens: counts.prompt,
    input_tokens_details: { cached_tokens: Math.min(counts.cached, counts.prompt) },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: counts.reasoning },
    total_tokens: counts.prompt + output,
  };
}
