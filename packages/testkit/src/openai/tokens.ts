// A deterministic stand-in for a BPE tokenizer: a word (with its leading whitespace) or a run of
// punctuation is one token. Joining the pieces always gives back the input, so the same split
// serves for usage counts, `max_tokens` truncation and default stream chunking.
const TOKEN = /\s*[\p{L}\p{N}_']+|\s*[^\p{L}\p{N}_'\s]+|\s+/gu;

/** Splits text into token-like pieces whose concatenation is the input. */
export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** Counts tokens the way {@link tokenize} splits them. */
export function countTokens(text: string): number {
  return tokenize(text).length;
}

/** Keeps at most `max` tokens of `text`; `truncated` says whether anything was cut. */
export function truncateTokens(text: string, max: number | undefined): { text: string; truncated: boolean } {
  if (max === undefined || max < 0) return { text, truncated: false };
  const pieces = tokenize(text);
  if (pieces.length <= max) return { text, truncated: false };
  return { text: pieces.slice(0, max).join(''), truncated: true };
}

/**
 * Splits text into stream fragments: one per token by default (what OpenAI does), or exactly
 * `chunks` near-equal fragments when asked (capped at the number of characters, never empty).
 */
export function splitIntoChunks(text: string, chunks?: number): string[] {
  if (text === '') return [];
  if (!chunks || chunks < 1) return tokenize(text);
  const chars = Array.from(text);
  const count = Math.min(Math.floor(chunks), chars.length);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const start = Math.floor((i * chars.length) / count);
    const end = Math.floor(((i + 1) * chars.length) / count);
    out.push(chars.slice(start, end).join(''));
  }
  return out;
}
