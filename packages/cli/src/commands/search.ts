/**
 * `autolog search`: one page of traces matching a filter, as a table or as JSON.
 */
import { type Trace, TracingClient, traceCost } from '@autolog/core';
import type { Command } from 'commander';
import { formatCost, formatCount, formatDuration, formatState, formatTime, truncate } from '../format.js';
import { addExperimentOption, addStoreOption, intOption, type StoreOptions } from '../options.js';
import type { Output, Palette } from '../output.js';
import { experimentIdsOf, storePathOf, withStore } from '../store.js';
import { renderTable } from '../table.js';

interface SearchOptions extends StoreOptions {
  filter?: string;
  orderBy?: string[];
  limit: number;
  pageToken?: string;
  json?: boolean;
}

const EXAMPLES = `
Examples:
  $ autolog search --filter "trace.status = 'ERROR'"
  $ autolog search --filter "metadata.\`mlflow.trace.user\` = 'alice'" --order-by "execution_time_ms DESC" --limit 5
  $ autolog search --json | jq '.traces[].trace_id'`;

export function registerSearch(program: Command, out: Output): void {
  const cmd = program
    .command('search')
    .description('list traces matching a filter (newest first), as a table or JSON')
    .option(
      '-f, --filter <filter>',
      'MLflow filter string, e.g. "trace.status = \'ERROR\' AND trace.execution_time_ms > 1000"',
    )
    .option(
      '-o, --order-by <term...>',
      "sort terms: timestamp_ms, execution_time_ms, status or name, each with ASC or DESC (default: 'timestamp_ms DESC')",
    )
    .option('-n, --limit <n>', 'traces per page, 1 to 500', intOption(1, 500), 25)
    .option('--page-token <token>', 'the next-page token a previous search printed')
    .option('--json', 'print JSON: {"traces": [MLflow trace info…], "next_page_token"?}');
  addExperimentOption(addStoreOption(cmd));
  cmd.addHelpText('after', EXAMPLES);
  cmd.action((options: SearchOptions) => search(options, out));
}

async function search(options: SearchOptions, out: Output): Promise<void> {
  const path = storePathOf(options.store);
  await withStore(path, async (store) => {
    const client = new TracingClient({ store });
    const page = await client.searchTraces({
      experimentIds: experimentIdsOf(store, options.experiment),
      filterString: options.filter,
      orderBy: options.orderBy,
      maxResults: options.limit,
      pageToken: options.pageToken,
      includeSpans: false,
    });
    if (options.json) {
      const body: Record<string, unknown> = { traces: page.traces.map((t) => t.toJSON().info) };
      if (page.nextPageToken) body.next_page_token = page.nextPageToken;
      out.result(JSON.stringify(body, null, 2));
      return;
    }
    if (page.traces.length === 0) {
      out.log(options.filter ? `no traces match the filter in ${path}` : `no traces in ${path}`);
      return;
    }
    out.result(searchTable(page.traces, out.colour));
    if (page.nextPageToken) out.log(`more traces: add --page-token ${page.nextPageToken}`);
  });
}

const COLUMNS = [
  { header: 'TIME' },
  { header: 'TRACE ID' },
  { header: 'NAME' },
  { header: 'USER' },
  { header: 'SESSION' },
  { header: 'STATE' },
  { header: 'DURATION', align: 'right' as const },
  { header: 'TOKENS', align: 'right' as const },
  { header: 'COST', align: 'right' as const },
];

/** The table of a page of traces, one row per trace. */
export function searchTable(traces: readonly Trace[], colour: Palette): string {
  const rows = traces.map(({ info }) => {
    const state = formatState(info.state, colour);
    return [
      formatTime(info.requestTime),
      info.traceId,
      truncate(info.tags['mlflow.traceName'] ?? '', 32),
      truncate(info.traceMetadata['mlflow.trace.user'] ?? '', 20),
      truncate(info.traceMetadata['mlflow.trace.session'] ?? '', 20),
      state,
      formatDuration(info.executionDuration),
      info.tokenUsage ? formatCount(info.tokenUsage.total_tokens) : '',
      formatCost(traceCost(info)),
    ];
  });
  return renderTable(COLUMNS, rows, colour);
}
