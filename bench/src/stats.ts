/** Small statistics and formatting helpers for the bench. */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank quantile, q in [0, 1]. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i];
}

/**
 * A distribution-free interval for the median of `xs` (order statistics; about 95 % coverage):
 * the k-th smallest and k-th largest values, k from the binomial distribution's normal
 * approximation. With fewer than 6 values it is [min, max].
 */
export function medianInterval(xs: readonly number[]): [number, number] {
  if (xs.length === 0) return [Number.NaN, Number.NaN];
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  const k = Math.max(1, Math.floor((n - 1.96 * Math.sqrt(n)) / 2));
  return [s[k - 1], s[n - k]];
}

/** Median absolute deviation relative to the median, as a fraction (robust spread). */
export function relMad(xs: readonly number[]): number {
  const m = median(xs);
  if (!Number.isFinite(m) || m === 0) return Number.NaN;
  return median(xs.map((x) => Math.abs(x - m))) / Math.abs(m);
}

export function fmtNs(ns: number): string {
  if (!Number.isFinite(ns)) return 'n/a';
  if (Math.abs(ns) >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (Math.abs(ns) >= 1e4) return `${(ns / 1e3).toFixed(1)} µs`;
  if (Math.abs(ns) >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
}

export function fmtSignedNs(ns: number): string {
  if (!Number.isFinite(ns)) return 'n/a';
  return (ns >= 0 ? '+' : '−') + fmtNs(Math.abs(ns));
}

export function fmtUs(us: number, digits = 2): string {
  if (!Number.isFinite(us)) return 'n/a';
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(digits)} µs`;
}

export function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return 'n/a';
  if (r >= 100) return `${r.toFixed(0)}×`;
  if (r >= 10) return `${r.toFixed(1)}×`;
  return `${r.toFixed(2)}×`;
}

export function fmtBytes(b: number): string {
  if (!Number.isFinite(b)) return 'n/a';
  const a = Math.abs(b);
  if (a >= 1024 * 1024 * 1024) return `${(b / 1024 ** 3).toFixed(2)} GB`;
  if (a >= 1024 * 1024) return `${(b / 1024 ** 2).toFixed(1)} MB`;
  if (a >= 10 * 1024) return `${(b / 1024).toFixed(0)} KB`;
  return `${b.toFixed(0)} B`;
}

export function fmtPct(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  return `${(x * 100).toFixed(x >= 0.999 || x === 0 ? 0 : 1)} %`;
}

/** Renders a plain-text table; the first column is left-aligned, the rest right-aligned. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? (c ?? '').padEnd(widths[i]) : (c ?? '').padStart(widths[i]))).join('  ');
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), sep, ...rows.map(line)].join('\n');
}
