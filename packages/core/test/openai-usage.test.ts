/** `usageFromOpenAI`: the OpenAI API's usage objects, endpoint by endpoint, in MLflow's shape. */
import { describe, expect, it } from 'vitest';
import { usageFromOpenAI } from '../src/plugin/index.js';

describe('usageFromOpenAI', () => {
  it('reads chat and completions usage, cached and reasoning tokens included', () => {
    expect(
      usageFromOpenAI({
        prompt_tokens: 120,
        completion_tokens: 40,
        total_tokens: 160,
        prompt_tokens_details: { cached_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 32 },
      }),
    ).toEqual({
      input_tokens: 120,
      output_tokens: 40,
      total_tokens: 160,
      cache_read_input_tokens: 100,
      reasoning_tokens: 32,
    });
  });

  it('reads responses usage', () => {
    expect(
      usageFromOpenAI({
        input_tokens: 50,
        output_tokens: 10,
        total_tokens: 60,
        input_tokens_details: { cached_tokens: 20 },
        output_tokens_details: { reasoning_tokens: 4 },
      }),
    ).toEqual({
      input_tokens: 50,
      output_tokens: 10,
      total_tokens: 60,
      cache_read_input_tokens: 20,
      reasoning_tokens: 4,
    });
  });

  it('reads an Assistants run or step usage, and embeddings usage without output tokens', () => {
    expect(
      usageFromOpenAI({
        prompt_tokens: 300,
        completion_tokens: 25,
        total_tokens: 325,
        prompt_token_details: { cached_tokens: 128 },
      }),
    ).toEqual({ input_tokens: 300, output_tokens: 25, total_tokens: 325, cache_read_input_tokens: 128 });
    expect(usageFromOpenAI({ prompt_tokens: 8, total_tokens: 8 })).toEqual({
      input_tokens: 8,
      output_tokens: 0,
      total_tokens: 8,
    });
  });

  it('gives undefined when no input tokens are reported', () => {
    expect(usageFromOpenAI(null)).toBeUndefined();
    expect(usageFromOpenAI({})).toBeUndefined();
    expect(usageFromOpenAI({ completion_tokens: 3 })).toBeUndefined();
  });
});
