import { performance } from 'node:perf_hooks';

const origin = performance.timeOrigin;

/** Epoch milliseconds with sub-millisecond precision, monotonic within the process. */
export function nowMs(): number {
  return origin + performance.now();
}

// `process.hrtime()` reads the same monotonic clock as `performance.now()` at less cost per
// call (a clock read is on every span's start and end). The two are tied once, here.
const hrtime = process.hrtime;
// A first read, so the one below that ties the clocks does not include performance.now()'s own start-up.
performance.now();
const [baseSeconds, baseNanos] = hrtime();
const baseEpochNs = Math.round((origin + performance.now()) * 1e6);

/** Epoch nanoseconds as a number (precise to well under a microsecond). */
export function nowNs(): number {
  const t = hrtime();
  return baseEpochNs + ((t[0] - baseSeconds) * 1e9 + (t[1] - baseNanos));
}
