import { createHash } from 'node:crypto';
import { missingParameter } from './errors.js';
import { countTokens } from './tokens.js';
import type { ErrorFields, OpenAIRoute, RouteContext } from './types.js';

/** `POST /embeddings` — deterministic unit vectors; `encoding_format: 'base64'` sends little-endian float32. */
export const embeddingsRoutes: OpenAIRoute[] = [
  { method: 'POST', path: '/embeddings', handle: handleEmbeddings },
];

function handleEmbeddings(ctx: RouteContext): void {
  const problem = validate(ctx);
  if (problem) {
    ctx.error(400, problem);
    return;
  }
  const body = ctx.body;
  const model: string = body.model ?? ctx.azure?.deployment;
  const inputs = normalizeInput(body.input);
  const dimensions = typeof body.dimensions === 'number' ? body.dimensions : defaultDimensions(model);
  const base64 = body.encoding_format === 'base64';
  const promptTokens = inputs.reduce((sum, input) => sum + input.tokens, 0);
  ctx.json(200, {
    object: 'list',
    data: inputs.map((input, index) => {
      const vector = embed(input.text, dimensions);
      return {
        object: 'embedding',
        index,
        embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
      };
    }),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}

function validate(ctx: RouteContext): Partial<ErrorFields> | undefined {
  const body = ctx.body ?? {};
  if (!body.model && !ctx.azure?.deployment) return { message: 'you must provide a model parameter' };
  if (body.input === undefined || body.input === null) return missingParameter('input');
  const inputs = normalizeInput(body.input);
  if (inputs.length === 0 || inputs.some((input) => input.text === '')) {
    return {
      message:
        "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
      param: null,
      code: null,
    };
  }
  return undefined;
}

// `input` is a string, strings, a token array, or token arrays; a token array counts one token per id.
function normalizeInput(input: unknown): { text: string; tokens: number }[] {
  if (typeof input === 'string') return [{ text: input, tokens: countTokens(input) }];
  if (!Array.isArray(input)) return [];
  if (input.every((x) => typeof x === 'number')) return [{ text: input.join(' '), tokens: input.length }];
  return input.map((x) =>
    typeof x === 'string'
      ? { text: x, tokens: countTokens(x) }
      : { text: Array.isArray(x) ? x.join(' ') : '', tokens: Array.isArray(x) ? x.length : 0 },
  );
}

function defaultDimensions(model: string): number {
  return /3-large/.test(model) ? 3072 : 1536;
}

/** A unit-length vector seeded from the text's hash: same text, same vector. */
export function embed(text: string, dimensions: number): number[] {
  const seed = createHash('sha256').update(text).digest();
  let state = seed.readUInt32LE(0) || 1;
  const raw: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    // xorshift32: cheap, deterministic, good enough to spread values.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    raw.push(((state >>> 0) / 0xffffffff) * 2 - 1);
  }
  const norm = Math.hypot(...raw) || 1;
  return raw.map((x) => Math.fround(x / norm));
}
