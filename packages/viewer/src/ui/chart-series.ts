/**
 * Turns grouped statistics per time bucket into chart series: one line per group (the busiest
 * groups), one point per bucket, empty buckets kept so gaps in traffic show.
 */
import type { WireTraceStats as TraceStats } from '../wire-types.js';

export interface Series {
  label: string;
  /** Index into the chart palette. */
  color: number;
  dashed?: boolean;
  /** One value per bucket; null where there is nothing to show. */
  points: Array<number | null>;
}

export interface ChartData {
  buckets: string[];
  series: Series[];
}

export type Metric = (s: TraceStats) => number | null;

/** The label of a group value (traces without the key are grouped under "(none)"). */
export const groupName = (value: string | null | undefined): string =>
  value === null || value === undefined ? '(none)' : value;

const MAX_BUCKETS = 2000;

/** Every bucket from the first to the last (UTC days `2025-12-12` or hours `2025-12-12T10:00Z`). */
export function fillBuckets(present: readonly string[], interval: 'hour' | 'day'): string[] {
  const sorted = [...new Set(present)].sort();
  if (sorted.length < 2) return sorted;
  const parse = (b: string) => Date.parse(interval === 'day' ? `${b}T00:00:00Z` : b.replace('Z', ':00Z'));
  const step = interval === 'day' ? 86_400_000 : 3_600_000;
  const first = parse(sorted[0]);
  const last = parse(sorted[sorted.length - 1]);
  if (!Number.isFinite(first) || !Number.isFinite(last) || (last - first) / step > MAX_BUCKETS) return sorted;
  const out: string[] = [];
  for (let t = first; t <= last; t += step) {
    const iso = new Date(t).toISOString();
    out.push(interval === 'day' ? iso.slice(0, 10) : `${iso.slice(0, 13)}:00Z`);
  }
  return out;
}

/** The `max` groups with the most traces, busiest first. */
export function topGroups(totals: readonly TraceStats[], groupLabel: string | undefined, max = 6): string[] {
  if (!groupLabel) return ['All traces'];
  return [...totals]
    .sort((a, b) => b.count - a.count)
    .slice(0, max)
    .map((s) => groupName(s.group[groupLabel]));
}

/**
 * Series of `metric` per group over the buckets. `zero` fills empty buckets with 0 (counts,
 * tokens, cost) instead of a gap (rates, latencies).
 */
export function seriesOf(
  stats: readonly TraceStats[],
  groupLabel: string | undefined,
  groups: readonly string[],
  interval: 'hour' | 'day',
  metric: Metric,
  zero: boolean,
): ChartData {
  const buckets = fillBuckets(
    stats.map((s) => s.group.time ?? ''),
    interval,
  );
  const at = new Map(buckets.map((b, i) => [b, i]));
  const series: Series[] = groups.map((label, color) => ({
    label,
    color,
    points: buckets.map(() => (zero ? 0 : null)),
  }));
  const byLabel = new Map(series.map((s) => [s.label, s]));
  for (const s of stats) {
    const line = byLabel.get(groupLabel ? groupName(s.group[groupLabel]) : 'All traces');
    const i = at.get(s.group.time ?? '');
    if (!line || i === undefined) continue;
    const v = metric(s);
    line.points[i] = v === null || !Number.isFinite(v) ? (zero ? 0 : null) : v;
  }
  return { buckets, series };
}

/** Latency: p50 solid and p95 dashed, per group. */
export function latencySeries(
  stats: readonly TraceStats[],
  groupLabel: string | undefined,
  groups: readonly string[],
  interval: 'hour' | 'day',
): ChartData {
  const p50 = seriesOf(stats, groupLabel, groups, interval, (s) => s.latencyMs.p50, false);
  const p95 = seriesOf(stats, groupLabel, groups, interval, (s) => s.latencyMs.p95, false);
  return {
    buckets: p50.buckets,
    series: [
      ...p50.series.map((s) => ({ ...s, label: `${s.label} p50` })),
      ...p95.series.map((s) => ({ ...s, label: `${s.label} p95`, dashed: true })),
    ],
  };
}

/** Round numbers for a y axis from 0 to at least `max`. */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}
