import { performance } from 'node:perf_hooks';

const origin = performance.timeOrigin;

/** Epoch milliseconds with sub-millisecond precision, monotonic within the process. */
export function nowMs(): number {
  return origin + performance.now();
}

/** Epoch nanoseconds as a number (precise to well under a microsecond). */
export function nowNs(): number {
  return Math.round((origin + performance.now()) * 1e6);
}
