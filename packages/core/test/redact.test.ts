import { describe, expect, it } from 'vitest';
import { REDACTED, scrubSecrets } from '../src/redact.js';

// Built from parts so that no secret-shaped literal sits in the sources.
const join = (...parts: string[]) => parts.join('');
const SECRETS = {
  'OpenAI key': join('sk', '-proj-', 'a1B2c3D4e5F6g7H8i9J0'),
  'bearer token': join('Bearer', ' ', 'eyJhbGciOi.JIUzI1NiJ9.abc'),
  'Databricks token': join('dapi', '0123456789abcdef'.repeat(2)),
  'Langfuse public key, shortest form': join('pk', '-lf-', 'abcd1234'),
  'Langfuse secret key': join('sk', '-lf-', '1234abcd-5678'),
};

describe('scrubSecrets', () => {
  for (const [what, secret] of Object.entries(SECRETS)) {
    it(`replaces a ${what} in a short text, and at the end of a 100 KB one`, () => {
      expect(scrubSecrets(`key: ${secret}`)).toBe(`key: ${REDACTED}`);
      const long = `${'lorem ipsum dolor sit amet, '.repeat(3_600)}then ${secret} end`;
      const scrubbed = scrubSecrets(long) as string;
      expect(scrubbed).not.toContain(secret);
      expect(scrubbed.endsWith(`then ${REDACTED} end`)).toBe(true);
    });
  }

  it('leaves texts that only look alike untouched', () => {
    for (const text of [
      'a back-end and a desk-top',
      join('sk', '-short'),
      'Bearer of good news',
      join('dapi', 'not-hex-at-all-not-hex-at-all-not-hex'),
    ])
      expect(scrubSecrets(text)).toBe(text);
  });

  it('replaces the values of secret-named keys at any depth, and nothing else', () => {
    const input = {
      model: 'gpt-4o-mini',
      headers: { Authorization: 'anything', 'api-key': 'azure-value', 'x-request-id': 'r1' },
      nested: [{ password: 'hunter2', note: 'fine' }],
    };
    expect(scrubSecrets(input)).toEqual({
      model: 'gpt-4o-mini',
      headers: { Authorization: REDACTED, 'api-key': REDACTED, 'x-request-id': 'r1' },
      nested: [{ password: REDACTED, note: 'fine' }],
    });
    // The app's object is not changed.
    expect(input.headers.Authorization).toBe('anything');
  });
});
