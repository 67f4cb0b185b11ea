import { describe, expect, it } from 'vitest';
import { sampleFromSchema } from '../src/openai/json-schema-sample.js';
import { countTokens, splitIntoChunks, tokenize, truncateTokens } from '../src/openai/tokens.js';

describe('tokens', () => {
  const texts = [
    '',
    'Echo: Hello there',
    '  leading and trailing  ',
    '{"city":"Paris"}',
    'naïve café — 東京 🚀!',
    'a\n\nb',
  ];

  it.each(texts)('splits %j into pieces that join back to the text', (text) => {
    expect(tokenize(text).join('')).toBe(text);
    expect(splitIntoChunks(text).join('')).toBe(text);
    expect(splitIntoChunks(text, 3).join('')).toBe(text);
  });

  it('splits into exactly the requested number of non-empty chunks, capped at the length', () => {
    expect(splitIntoChunks('Echo: abc', 4)).toHaveLength(4);
    expect(splitIntoChunks('abc', 200)).toEqual(['a', 'b', 'c']);
    expect(splitIntoChunks('a🚀b', 3)).toEqual(['a', '🚀', 'b']);
  });

  it('counts words and punctuation runs as tokens and truncates on them', () => {
    expect(countTokens('Echo: Hello there')).toBe(4);
    expect(truncateTokens('Echo: Hello there', 2)).toEqual({ text: 'Echo:', truncated: true });
    expect(truncateTokens('Hi', 5)).toEqual({ text: 'Hi', truncated: false });
  });
});

describe('sampleFromSchema', () => {
  it('fills required properties, follows refs and picks the non-null branch', () => {
    const schema = {
      type: 'object',
      properties: {
        when: { type: 'string', format: 'date-time' },
        size: { type: 'integer', minimum: 5 },
        pet: { $ref: '#/$defs/pet' },
        note: { anyOf: [{ type: 'null' }, { type: 'string' }] },
        optional: { type: 'string' },
      },
      required: ['when', 'size', 'pet', 'note'],
      $defs: { pet: { type: 'object', properties: { kind: { enum: ['cat', 'dog'] } }, required: ['kind'] } },
    };
    expect(sampleFromSchema(schema)).toEqual({
      when: '2024-01-01T12:00:00Z',
      size: 5,
      pet: { kind: 'cat' },
      note: 'example note',
    });
  });
});
