/**
 * Opaque page tokens for keyset pagination: the sort values of the last trace returned, bound
 * to the search they came from (experiments, filter, order) by a fingerprint, so a token is
 * never silently applied to a different search. Rows inserted or deleted between pages do not
 * shift later pages.
 */
import { AutologError } from '../errors.js';

export type KeyValue = string | number | null;

interface TokenBody {
  v: 1;
  /** Fingerprint of the search. */
  f: string;
  /** Sort values of the last row returned, ending with its tie-breaker. */
  k: KeyValue[];
}

/** FNV-1a (32 bit) of a string, as 8 hex characters. */
export function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export function encodePageToken(searchFingerprint: string, keys: readonly KeyValue[]): string {
  const body: TokenBody = { v: 1, f: searchFingerprint, k: [...keys] };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/**
 * The sort values inside `token`, checked against the search's fingerprint and key count.
 * @throws AutologError `INVALID_ARGUMENT` when the token is malformed or from another search.
 */
export function decodePageToken(token: string, searchFingerprint: string, keyCount: number): KeyValue[] {
  let body: Partial<TokenBody> | undefined;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenBody>;
  } catch {
    body = undefined;
  }
  const keys = body?.k;
  const valid =
    typeof token === 'string' &&
    body?.v === 1 &&
    Array.isArray(keys) &&
    keys.length === keyCount &&
    keys.every((k) => k === null || typeof k === 'string' || (typeof k === 'number' && Number.isFinite(k)));
  if (!valid) {
    throw new AutologError(
      'INVALID_ARGUMENT',
      `pageToken ${JSON.stringify(String(token).slice(0, 60))} is not a valid page token; pass the nextPageToken of a previous searchTraces call unchanged.`,
    );
  }
  if (body?.f !== searchFingerprint) {
    throw new AutologError(
      'INVALID_ARGUMENT',
      'pageToken belongs to a different search: the experiments, filterString or orderBy changed since it was issued; start again without a pageToken.',
    );
  }
  return keys as KeyValue[];
}
