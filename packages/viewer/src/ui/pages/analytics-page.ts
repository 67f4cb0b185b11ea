/**
 * Analytics per app version, user, environment (or any key): traffic, error rate, latency
 * p50/p95, tokens and cost over time as charts, and a summary table per group.
 */

import { andFilters } from '../../filter-text.js';
import type { StatsResponse, WireTraceStats as TraceStats } from '../../wire-types.js';
import type { AppContext, Page } from '../app-context.js';
import { groupName, latencySeries, seriesOf, topGroups } from '../chart-series.js';
import { h, replaceChildren, statusLine } from '../dom.js';
import { createFilterBox } from '../filter-box.js';
import {
  formatCompact,
  formatCost,
  formatCount,
  formatDuration,
  formatDurationTick,
  formatPercent,
} from '../format.js';
import { lineChart } from '../line-chart.js';
import { link, navigate } from '../router.js';

/** Group-by choices; `value` is a filter identifier understood by the statistics call. */
export const GROUPINGS = [
  { id: 'version', label: 'App version', field: 'metadata.app_version' },
  { id: 'user', label: 'User', field: 'metadata.`mlflow.trace.user`' },
  { id: 'environment', label: 'Environment', field: 'metadata.`mlflow.source.type`' },
  { id: 'status', label: 'Status', field: 'trace.status' },
  { id: 'name', label: 'Trace name', field: 'trace.name' },
  { id: 'none', label: 'Nothing (all traces)', field: '' },
] as const;

const RANGES = [
  { id: '1d', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { id: 'all', label: 'All time', ms: 0 },
] as const;

function select(
  id: string,
  label: string,
  options: ReadonlyArray<{ id: string; label: string }>,
  current: string,
  onChange: (v: string) => void,
): HTMLElement {
  return h(
    'label',
    { class: 'control', for: id },
    h('span', null, label),
    h(
      'select',
      { id, onchange: (e: Event) => onChange((e.target as HTMLSelectElement).value) },
      options.map((o) => h('option', { value: o.id, selected: o.id === current }, o.label)),
    ),
  );
}

function summaryTable(
  totals: readonly TraceStats[],
  groupLabel: string | undefined,
  title: string,
): HTMLElement {
  const cols = [title, 'Traces', 'Users', 'Sessions', 'Error rate', 'p50', 'p95', 'Tokens', 'Cost'];
  return h(
    'table',
    { class: 'traces summary', 'aria-label': 'Summary per group' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        cols.map((c, i) => h('th', { scope: 'col', class: i ? 'num' : null }, c)),
      ),
    ),
    h(
      'tbody',
      null,
      [...totals]
        .sort((a, b) => b.count - a.count)
        .map((s) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, groupLabel ? groupName(s.group[groupLabel]) : 'All traces'),
            h('td', { class: 'num' }, formatCount(s.count)),
            h('td', { class: 'num' }, formatCount(s.users)),
            h('td', { class: 'num' }, formatCount(s.sessions)),
            h('td', { class: `num${s.errorRate > 0.05 ? ' text-error' : ''}` }, formatPercent(s.errorRate)),
            h('td', { class: 'num' }, formatDuration(s.latencyMs.p50)),
            h('td', { class: 'num' }, formatDuration(s.latencyMs.p95)),
            h('td', { class: 'num' }, formatCount(s.tokens.total)),
            h('td', { class: 'num' }, formatCost(s.costUsd)),
          ),
        ),
    ),
  );
}

/** Mounts the analytics page into `root`. */
export function mountAnalytics(root: HTMLElement, params: URLSearchParams, ctx: AppContext): Page {
  const by = params.get('by') ?? 'version';
  const custom = params.get('key') ?? '';
  const interval = params.get('interval') === 'hour' ? 'hour' : 'day';
  const range = RANGES.find((r) => r.id === params.get('range')) ?? RANGES[2];
  const q = params.get('q') ?? '';
  const grouping = GROUPINGS.find((g) => g.id === by);
  const field = grouping ? grouping.field : custom;
  const state: Record<string, string> = { by, key: custom, interval, range: range.id, q };
  const go = (patch: Record<string, string>) => navigate(link(['analytics'], { ...state, ...patch }));
  let disposed = false;

  const filter = createFilterBox({
    id: 'analytics-filter',
    label: 'Only traces matching',
    value: q,
    onSubmit: (value) => go({ q: value }),
  });
  const keyInput = h('input', {
    id: 'group-key',
    type: 'text',
    value: custom,
    placeholder: 'metadata.deployment_id',
    'aria-label': 'Custom group field',
  });
  keyInput.addEventListener('change', () => go({ by: 'custom', key: keyInput.value.trim() }));
  const controls = h(
    'div',
    { class: 'controls' },
    select(
      'group-by',
      'Group by',
      [...GROUPINGS, { id: 'custom', label: 'Custom field…' }],
      grouping ? by : 'custom',
      (v) => go({ by: v }),
    ),
    grouping ? null : keyInput,
    select(
      'interval',
      'Per',
      [
        { id: 'day', label: 'Day' },
        { id: 'hour', label: 'Hour' },
      ],
      interval,
      (v) => go({ interval: v }),
    ),
    select('range', 'Range', RANGES, range.id, (v) => go({ range: v })),
  );
  const out = h(
    'div',
    { class: 'analytics-body', 'aria-live': 'polite' },
    statusLine('Computing statistics…'),
  );
  replaceChildren(
    root,
    h('section', { class: 'page page-analytics' }, h('h1', null, 'Analytics'), controls, filter.el, out),
  );

  const load = async () => {
    const since = range.ms
      ? `trace.timestamp_ms >= ${Math.floor((Date.now() - range.ms) / 60_000) * 60_000}`
      : '';
    let stats: StatsResponse;
    try {
      stats = await ctx.api.get<StatsResponse>('stats', {
        exp: ctx.exp(),
        groupBy: field,
        interval,
        q: andFilters(q, since),
      });
    } catch (error) {
      if (!disposed) {
        filter.showError(error);
        replaceChildren(out);
      }
      return;
    }
    if (disposed) return;
    filter.showError(null);
    if (!stats.totals.length) {
      replaceChildren(out, statusLine('No traces in this range.'));
      return;
    }
    const label = field || undefined;
    const groups = topGroups(stats.totals, label);
    const chart = (
      title: string,
      metric: (s: TraceStats) => number | null,
      zero: boolean,
      format: (n: number) => string,
      exact?: (n: number) => string,
    ) =>
      lineChart({
        title,
        data: seriesOf(stats.series, label, groups, interval, metric, zero),
        format,
        formatExact: exact,
      });
    replaceChildren(
      out,
      summaryTable(stats.totals, label, grouping?.label ?? field),
      stats.totals.length > groups.length
        ? h(
            'p',
            { class: 'muted' },
            `Charts show the ${groups.length} busiest of ${stats.totals.length} groups.`,
          )
        : null,
      h(
        'div',
        { class: 'charts' },
        chart('Traffic (traces)', (s) => s.count, true, formatCompact, formatCount),
        chart(
          'Error rate',
          (s) => s.errorRate,
          false,
          (n) => formatPercent(n),
          formatPercent,
        ),
        lineChart({
          title: 'Latency p50 (solid) and p95 (dashed)',
          data: latencySeries(stats.series, label, groups, interval),
          format: formatDurationTick,
          formatExact: formatDuration,
        }),
        chart('Tokens', (s) => s.tokens.total, true, formatCompact, formatCount),
        chart(
          'Cost (USD)',
          (s) => s.costUsd,
          true,
          (n) => `$${formatCompact(n)}`,
          formatCost,
        ),
      ),
    );
  };
  void load();
  return {
    onLiveChange: () => void load(),
    dispose() {
      disposed = true;
    },
  };
}
