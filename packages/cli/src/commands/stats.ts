/**
 * `autolog stats`: count, users, sessions, error rate, latency, tokens and cost per group
 * (core's `getTraceStats`), as a table or JSON.
 */
import { type TraceStats, TracingClient } from '@autolog/core';
import { type Command, Option } from 'commander';
import { formatCost, formatCount, formatDuration, formatRate, truncate } from '../format.js';
import { addExperimentOption, addStoreOption, type StoreOptions } from '../options.js';
import type { Output, Palette } from '../output.js';
import { experimentIdsOf, storePathOf, withStore } from '../store.js';
import { renderTable } from '../table.js';

interface StatsOptions extends StoreOptions {
  groupBy?: string[];
  filter?: string;
  interval?: 'hour' | 'day';
  json?: boolean;
}

/** Short names for the keys people group by most. */
const ALIASES: Record<string, string> = {
  user: 'metadata.`mlflow.trace.user`',
  session: 'metadata.`mlflow.trace.session`',
  status: 'trace.status',
  name: 'trace.name',
};

const EXAMPLES = `
Group keys: metadata.<key>, tags.<key>, trace.status, trace.name (backticks around keys with
dots), or the short names user, session, status, name.

Examples:
  $ autolog stats --group-by metadata.app_version
  $ autolog stats --group-by user --filter "trace.status = 'OK'" --interval day
  $ autolog stats --group-by status --json`;

export function registerStats(program: Command, out: Output): void {
  const cmd = program
    .command('stats')
    .description('count, users, sessions, error rate, latency (mean/p50/p95), tokens and cost per group')
    .option('-g, --group-by <key...>', 'group by these keys (default: no grouping, one row)')
    .option('-f, --filter <filter>', 'only traces matching this MLflow filter string')
    .addOption(
      new Option('-i, --interval <interval>', 'also group by UTC hour or day').choices(['hour', 'day']),
    )
    .option('--json', 'print the statistics as JSON');
  addExperimentOption(addStoreOption(cmd));
  cmd.addHelpText('after', EXAMPLES);
  cmd.action((options: StatsOptions) => stats(options, out));
}

async function stats(options: StatsOptions, out: Output): Promise<void> {
  const keys = options.groupBy ?? [];
  await withStore(storePathOf(options.store), async (store) => {
    const client = new TracingClient({ store });
    const groups = await client.getTraceStats({
      experimentIds: experimentIdsOf(store, options.experiment),
      filterString: options.filter,
      groupBy: keys.map((k) => ALIASES[k] ?? k),
      interval: options.interval,
    });
    if (options.json) {
      out.result(JSON.stringify(groups, null, 2));
      return;
    }
    if (groups.length === 0) {
      out.log(options.filter ? 'no traces match the filter' : 'no traces');
      return;
    }
    out.result(statsTable(groups, [...keys, ...(options.interval ? ['time'] : [])], out.colour));
  });
}

/** One row per group: the group's values, then its statistics. */
export function statsTable(groups: readonly TraceStats[], keys: readonly string[], colour: Palette): string {
  const columns = [
    ...keys.map((k) => ({ header: k.toUpperCase() })),
    ...['COUNT', 'USERS', 'SESSIONS', 'ERRORS', 'MEAN', 'P50', 'P95', 'TOKENS', 'COST'].map((header) => ({
      header,
      align: 'right' as const,
    })),
  ];
  const rows = groups.map((g) => [
    ...Object.values(g.group).map((v) => (v === null ? colour.dim('(none)') : truncate(v, 40))),
    formatCount(g.count),
    formatCount(g.users),
    formatCount(g.sessions),
    g.errors > 0 ? colour.red(formatRate(g.errorRate)) : formatRate(g.errorRate),
    formatDuration(g.latencyMs.mean),
    formatDuration(g.latencyMs.p50),
    formatDuration(g.latencyMs.p95),
    formatCount(g.tokens.total),
    formatCost(g.costUsd),
  ]);
  return renderTable(columns, rows, colour);
}
