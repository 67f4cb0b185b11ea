import type { TokenUsage } from './core.js';
import { isMessage, toChatMessage } from './messages.js';

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** A model run's `LLMResult` as span outputs: generations with messages in chat format. */
export function generationsRecord(output: any): unknown {
  const generations = Array.isArray(output?.generations) ? output.generations : [];
  const record: Record<string, unknown> = {
    generations: generations.map((group: any) =>
      Array.isArray(group)
        ? group.map((gen: any) => {
            const out: Record<string, unknown> = { text: gen?.text };
            if (isMessage(gen?.message)) out.message = toChatMessage(gen.message);
            if (gen?.generationInfo && Object.keys(gen.generationInfo).length)
              out.generation_info = gen.generationInfo;
            return out;
          })
        : group,
    ),
  };
  if (output?.llmOutput && Object.keys(output.llmOutput).length) record.llm_output = output.llmOutput;
  return record;
}

/** The first generation's message, if any. */
function firstMessage(output: any): any {
  const group = output?.generations?.[0];
  return Array.isArray(group) ? group[0]?.message : undefined;
}

/**
 * Token usage of a model run in MLflow's shape: the message's `usage_metadata` (with cached and
 * reasoning tokens), else `llmOutput.tokenUsage` (`promptTokens`, …), else an OpenAI- or
 * Anthropic-style `llmOutput.usage`.
 */
export function tokenUsageOf(output: any): TokenUsage | undefined {
  const meta = firstMessage(output)?.usage_metadata;
  if (meta && num(meta.input_tokens) !== undefined) {
    const input = num(meta.input_tokens) ?? 0;
    const outputTokens = num(meta.output_tokens) ?? 0;
    const usage: TokenUsage = {
      input_tokens: input,
      output_tokens: outputTokens,
      total_tokens: num(meta.total_tokens) ?? input + outputTokens,
    };
    const cached = num(meta.input_token_details?.cache_read);
    if (cached) usage.cache_read_input_tokens = cached;
    const reasoning = num(meta.output_token_details?.reasoning);
    if (reasoning) usage.reasoning_tokens = reasoning;
    return usage;
  }
  const llm = output?.llmOutput;
  const tu = llm?.tokenUsage ?? llm?.token_usage;
  if (tu && (num(tu.promptTokens) !== undefined || num(tu.prompt_tokens) !== undefined)) {
    const input = num(tu.promptTokens) ?? num(tu.prompt_tokens) ?? 0;
    const outputTokens = num(tu.completionTokens) ?? num(tu.completion_tokens) ?? 0;
    return {
      input_tokens: input,
      output_tokens: outputTokens,
      total_tokens: num(tu.totalTokens) ?? num(tu.total_tokens) ?? input + outputTokens,
    };
  }
  const u = llm?.usage;
  if (u && (num(u.input_tokens) !== undefined || num(u.prompt_tokens) !== undefined)) {
    const input = num(u.input_tokens) ?? num(u.prompt_tokens) ?? 0;
    const outputTokens = num(u.output_tokens) ?? num(u.completion_tokens) ?? 0;
    return {
      input_tokens: input,
      output_tokens: outputTokens,
      total_tokens: num(u.total_tokens) ?? input + outputTokens,
    };
  }
  return undefined;
}

/** The model the response names (`response_metadata.model_name` / `model`), if any. */
export function responseModelOf(output: any): string | undefined {
  const meta = firstMessage(output)?.response_metadata ?? output?.generations?.[0]?.[0]?.generationInfo;
  const model = meta?.model_name ?? meta?.model ?? output?.llmOutput?.model_name ?? output?.llmOutput?.model;
  return typeof model === 'string' && model ? model : undefined;
}

/** Finish reasons of the generations (`finish_reason` / `stop_reason`), if any. */
export function finishReasonsOf(output: any): string[] | undefined {
  const reasons: string[] = [];
  for (const group of Array.isArray(output?.generations) ? output.generations : []) {
    for (const gen of Array.isArray(group) ? group : []) {
      const r =
        gen?.generationInfo?.finish_reason ??
        gen?.message?.response_metadata?.finish_reason ??
        gen?.message?.response_metadata?.stop_reason;
      if (typeof r === 'string') reasons.push(r);
    }
  }
  return reasons.length ? reasons : undefined;
}
