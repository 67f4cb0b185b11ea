import type { StoredTrace } from './state.js';

/** `request_time` of a stored trace in epoch ms. */
export function traceMs(trace: StoredTrace): number {
  const t = trace.info.request_time;
  return typeof t === 'number' ? t : Date.parse(String(t)) || 0;
}

/** `execution_duration` (`"1.25s"`) of a stored trace in ms. */
export function durationMs(trace: StoredTrace): number {
  const match = /^(-?\d+(?:\.\d+)?)s$/.exec(String(trace.info.execution_duration ?? ''));
  return match ? Number(match[1]) * 1000 : 0;
}
