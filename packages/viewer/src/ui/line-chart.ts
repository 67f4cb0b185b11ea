/**
 * A hand-drawn SVG line chart: y grid with round ticks, a few x labels, one polyline per
 * series (a dot where a value stands alone), a tooltip per point and an HTML legend.
 */
import { type ChartData, niceTicks } from './chart-series.js';
import { h, s } from './dom.js';

export interface LineChartOptions {
  title: string;
  data: ChartData;
  format(n: number): string;
  /** Full-precision value for tooltips (defaults to `format`). */
  formatExact?(n: number): string;
}

const W = 560;
const H = 200;
const PAD = { left: 52, right: 12, top: 10, bottom: 26 };

function bucketLabel(b: string): string {
  return b.length > 10 ? `${b.slice(5, 10)} ${b.slice(11, 13)}h` : b.slice(5);
}

/** A `<figure>` with the chart and its legend. */
export function lineChart(o: LineChartOptions): HTMLElement {
  const { buckets, series } = o.data;
  const exact = o.formatExact ?? o.format;
  const values = series.flatMap((se) => se.points.filter((p): p is number => p !== null));
  const ticks = niceTicks(Math.max(0, ...values));
  const top = ticks[ticks.length - 1] || 1;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (buckets.length < 2 ? plotW / 2 : (i * plotW) / (buckets.length - 1));
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: 'chart',
    role: 'img',
    'aria-label': `${o.title}: ${series.length} series over ${buckets.length} time buckets`,
  });
  for (const t of ticks) {
    svg.appendChild(s('line', { x1: PAD.left, x2: W - PAD.right, y1: y(t), y2: y(t), class: 'grid' }));
    svg.appendChild(
      s('text', { x: PAD.left - 6, y: y(t) + 4, class: 'tick', 'text-anchor': 'end' }, o.format(t)),
    );
  }
  const every = Math.max(1, Math.ceil(buckets.length / 6));
  buckets.forEach((b, i) => {
    if (i % every !== 0 && i !== buckets.length - 1) return;
    const anchor =
      buckets.length > 1 && i === 0
        ? 'start'
        : buckets.length > 1 && i === buckets.length - 1
          ? 'end'
          : 'middle';
    svg.appendChild(s('text', { x: x(i), y: H - 8, class: 'tick', 'text-anchor': anchor }, bucketLabel(b)));
  });
  for (const se of series) {
    const cls = `c${se.color % 8}${se.dashed ? ' dashed' : ''}`;
    let run: string[] = [];
    const flush = () => {
      if (run.length > 1) svg.appendChild(s('polyline', { points: run.join(' '), class: `line ${cls}` }));
      run = [];
    };
    se.points.forEach((v, i) => {
      if (v === null) {
        flush();
        return;
      }
      run.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
      const dot = s(
        'circle',
        { cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: buckets.length > 60 ? 1.5 : 3, class: `dot ${cls}` },
        s('title', null, `${se.label} · ${buckets[i]}: ${exact(v)}`),
      );
      svg.appendChild(dot);
    });
    flush();
  }
  const legend = h(
    'ul',
    { class: 'legend' },
    series.map((se) =>
      h(
        'li',
        null,
        h('span', { class: `swatch c${se.color % 8}${se.dashed ? ' dashed' : ''}`, 'aria-hidden': 'true' }),
        se.label,
      ),
    ),
  );
  return h(
    'figure',
    { class: 'chart-card' },
    h('figcaption', null, o.title),
    values.length ? svg : h('p', { class: 'muted chart-empty' }, 'No data in this range.'),
    legend,
  );
}
