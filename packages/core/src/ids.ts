import { randomFillSync } from 'node:crypto';

/**
 * Random bytes are drawn in blocks and hex-encoded once per block, so an id costs a substring
 * of a string already made, not a syscall nor a call into the buffer's encoder.
 */
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolHex = '';
let offset = POOL_SIZE;

function randomHex(bytes: number): string {
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    poolHex = pool.toString('hex');
    offset = 0;
  }
  const hex = poolHex.slice(offset * 2, (offset + bytes) * 2);
  offset += bytes;
  return hex;
}

/**
 * A 32-hex-character OpenTelemetry trace id: 48 bits of epoch milliseconds, then 80 random
 * bits. Ids that grow with time keep the store's indexes append-only (a random key would
 * touch a random page of every index per trace); AWS X-Ray ids carry a time prefix the same way.
 */
let prefixMs = -1;
let prefix = '';
export function newOtelTraceId(): string {
  const now = Date.now();
  if (now !== prefixMs) {
    prefixMs = now;
    prefix = now.toString(16).padStart(12, '0').slice(-12);
  }
  return prefix + randomHex(10);
}

/** A 16-hex-character OpenTelemetry span id (never all zeros). */
export function newSpanId(): string {
  const id = randomHex(8);
  return id === '0000000000000000' ? newSpanId() : id;
}

export const TRACE_ID_PREFIX = 'tr-';

/** MLflow trace id for an OpenTelemetry trace id: `tr-` + 32 hex. */
export function toMlflowTraceId(otelTraceId: string): string {
  return TRACE_ID_PREFIX + otelTraceId;
}

/** The OpenTelemetry trace id inside an MLflow trace id (accepts either form). */
export function toOtelTraceId(traceId: string): string {
  return traceId.startsWith(TRACE_ID_PREFIX) ? traceId.slice(TRACE_ID_PREFIX.length) : traceId;
}

export function newAssessmentId(): string {
  return `a-${randomHex(16)}`;
}
