import type { TraceRecord } from './types.js';

/**
 * How the delivery worker reads an export error: a partial outcome (`undelivered` /
 * `rejected` traces of the batch), `retryable: false`, and `retryAfterMs`.
 */
/** Splits a batch by an error that says which traces were delivered, refused, or still to deliver. */
export function partialOutcome<E extends { record: TraceRecord }>(
  batch: E[],
  err: unknown,
): { delivered: E[]; rejected: E[]; retry: E[] } | undefined {
  const e = err as { undelivered?: readonly TraceRecord[]; rejected?: readonly TraceRecord[] } | undefined;
  if (!e || typeof e !== 'object' || (!Array.isArray(e.undelivered) && !Array.isArray(e.rejected)))
    return undefined;
  const retry = new Set(e.undelivered ?? []);
  const rejected = new Set(e.rejected ?? []);
  const out = { delivered: [] as E[], rejected: [] as E[], retry: [] as E[] };
  for (const entry of batch) {
    if (retry.has(entry.record)) out.retry.push(entry);
    else if (rejected.has(entry.record)) out.rejected.push(entry);
    else out.delivered.push(entry);
  }
  return out;
}

/** Errors a destination marks as not worth retrying (e.g. HTTP 400/401/403/404). */
export function isPermanent(err: unknown): boolean {
  return Boolean(err && typeof err === 'object' && (err as { retryable?: unknown }).retryable === false);
}

/** A server's `Retry-After`, as the error carries it. */
export function retryAfterMs(err: unknown): number | undefined {
  const value = err && typeof err === 'object' ? (err as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  return typeof value === 'number' && value >= 0 ? value : undefined;
}
