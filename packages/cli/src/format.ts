/**
 * How numbers look in the terminal: durations, token counts, costs, times and trace states.
 */
import type { TokenUsage } from '@autolog/core';
import type { Palette } from './output.js';

/** `850µs`, `12.3ms`, `1.24s`, `2m05s`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 1000) return `${ms.toFixed(1)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** `1,234`. */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-';
}

/** `120→45 (165)`: input → output (total). */
export function formatUsage(usage: Partial<TokenUsage> | undefined): string {
  if (!usage || typeof usage !== 'object') return '';
  const total = usage.total_tokens ?? (usage.input_tokens ?? 0) + (usage.output_tokens ?? 0);
  return `${formatCount(usage.input_tokens ?? 0)}→${formatCount(usage.output_tokens ?? 0)} (${formatCount(total)})`;
}

/** US dollars with the precision small LLM costs need: `$1.24`, `$0.0123`, `$0.000450`. */
export function formatCost(usd: number | undefined): string {
  if (usd === undefined || !Number.isFinite(usd)) return '';
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd >= 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(6)}`;
}

/** `12.5%`. */
export function formatRate(rate: number): string {
  return Number.isFinite(rate) ? `${(rate * 100).toFixed(1)}%` : '-';
}

/** UTC, to the second: `2025-12-12 10:04:05Z`. */
export function formatTime(ms: number): string {
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z` : '-';
}

/** Cuts text to `max` characters with an ellipsis, on one line. */
export function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, Math.max(0, max - 1))}…` : line;
}

/** A trace's state in colour: ERROR red, OK green, anything else (in progress) yellow. */
export function formatState(state: string, c: Palette): string {
  return state === 'ERROR' ? c.red(state) : state === 'OK' ? c.green(state) : c.yellow(state);
}
