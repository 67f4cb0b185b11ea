/**
 * Hands a batch to a destination the way the SDK's pipeline would, but in the foreground:
 * retryable failures (network errors, 408, 429, 5xx) are retried with backoff, honouring a
 * server's `Retry-After`; a refusal (other 4xx) stops the export with the server's message.
 * Parts of a batch that did arrive are reported before a failure, so a re-run does not send
 * them again.
 */
import { type Destination, ExportError, type TraceRecord } from '@autolog/core';
import { CliError } from './errors.js';

export interface DeliverOptions {
  /** Shown in messages. */
  label: string;
  /** Attempts per batch before giving up (at least 1). */
  attempts: number;
  /** Called with the ids of traces that arrived (also those of a batch that failed in part). */
  onDelivered(traceIds: string[]): void;
  /** Told before each wait. */
  onRetry(message: string, waitMs: number): void;
  sleep?(ms: number): Promise<void>;
}

const MAX_BACKOFF_MS = 8_000;
const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function idsOf(records: readonly TraceRecord[]): string[] {
  return records.map((r) => r.info.traceId);
}

function listIds(records: readonly TraceRecord[]): string {
  const ids = idsOf(records);
  return ids.length > 3 ? `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more` : ids.join(', ');
}

export async function deliver(
  destination: Destination,
  records: readonly TraceRecord[],
  options: DeliverOptions,
): Promise<void> {
  let pending = records;
  for (let attempt = 1; pending.length > 0; attempt++) {
    try {
      await destination.export(pending);
      await destination.forceFlush?.();
      options.onDelivered(idsOf(pending));
      return;
    } catch (error) {
      if (!(error instanceof ExportError)) {
        const message = error instanceof Error ? error.message : String(error);
        throw new CliError(`export to ${options.label} failed: ${message}`);
      }
      const undelivered = error.undelivered ?? (error.retryable ? pending : []);
      const rejected = error.rejected ?? (error.retryable ? [] : pending);
      const failed = new Set([...undelivered, ...rejected]);
      const arrived = pending.filter((r) => !failed.has(r));
      if (arrived.length) options.onDelivered(idsOf(arrived));
      if (rejected.length) {
        throw new CliError(
          `${options.label} refused ${rejected.length} trace(s) (${listIds(rejected)}): ${error.message}`,
        );
      }
      if (attempt >= options.attempts) {
        throw new CliError(
          `export to ${options.label} still failing after ${attempt} attempt(s): ${error.message} — run the same command again to continue where it stopped`,
        );
      }
      const delay = error.retryAfterMs ?? Math.min(MAX_BACKOFF_MS, 500 * 2 ** (attempt - 1));
      options.onRetry(
        `${error.message} — retrying ${undelivered.length} trace(s) in ${(delay / 1000).toFixed(1)}s (attempt ${attempt + 1} of ${options.attempts})`,
        delay,
      );
      await (options.sleep ?? wait)(delay);
      pending = undelivered;
    }
  }
}
