import type { TraceRecord } from '../types.js';

/**
 * Why an export failed, in terms the delivery pipeline acts on: `retryable` (network errors,
 * 408, 429, 5xx) or not (other 4xx: reported once and dropped), an optional `retryAfterMs`
 * (a server's `Retry-After`), and for a batch that was delivered in part, which traces are
 * still to deliver (`undelivered`) and which the server refused for good (`rejected`). The
 * message never holds credentials nor signed URLs.
 *
 * @example
 * throw new ExportError('MLflow answered 503 TEMPORARILY_UNAVAILABLE: try later', { retryable: true, status: 503 });
 */
export class ExportError extends Error {
  readonly retryable: boolean;
  readonly status?: number;
  /** The server's `error_code`, when it sent one. */
  readonly errorCode?: string;
  readonly retryAfterMs?: number;
  /** Traces of the batch that were not delivered and may be retried (the rest were delivered or rejected). */
  readonly undelivered?: readonly TraceRecord[];
  /** Traces of the batch that the server refused for good. */
  readonly rejected?: readonly TraceRecord[];

  constructor(
    message: string,
    options: {
      retryable: boolean;
      status?: number;
      errorCode?: string;
      retryAfterMs?: number;
      undelivered?: readonly TraceRecord[];
      rejected?: readonly TraceRecord[];
      cause?: unknown;
    },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ExportError';
    this.retryable = options.retryable;
    if (options.status !== undefined) this.status = options.status;
    if (options.errorCode !== undefined) this.errorCode = options.errorCode;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.undelivered) this.undelivered = options.undelivered;
    if (options.rejected) this.rejected = options.rejected;
  }
}

/** True for HTTP statuses worth retrying: 408, 429 and 5xx (except 501). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501);
}

/** Milliseconds from a `Retry-After` header (seconds or an HTTP date), capped at five minutes. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value.trim());
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, Math.round(ms)), 300_000);
}
