import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Makes ids shaped like OpenAI's (`chatcmpl-…`, `resp_…`, `call_…`): a prefix and random base62. */
export function makeId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

/** A request id as OpenAI sends it in `x-request-id`. */
export function makeRequestId(): string {
  return `req_${randomBytes(16).toString('hex')}`;
}

/** Seconds since the epoch, as in `created` / `created_at`. */
export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The `system_fingerprint` on chat and completion objects. */
export const SYSTEM_FINGERPRINT = 'fp_testkit';
