/**
 * `autolog export --to <destination>`: local traces to an MLflow server, Databricks, an OTLP
 * collector or a JSONL file. Resumable: a checkpoint next to the store records what each
 * destination has, so a re-run continues (`--restart` starts over). Idempotent: the same
 * trace sent twice is not duplicated (MLflow and OTLP get the same trace ids; the JSONL file
 * is deduplicated by trace id).
 */
import { type LocalStore, TracingClient } from '@autolog/core';
import type { Command } from 'commander';
import { ExportCheckpoint } from '../checkpoint.js';
import { deliver } from '../deliver.js';
import { CliError } from '../errors.js';
import { openExportTarget } from '../export-target.js';
import { JsonlDestination } from '../jsonl-destination.js';
import { addExperimentOption, addStoreOption, intOption, type StoreOptions } from '../options.js';
import type { Output } from '../output.js';
import { ProgressBar } from '../progress-bar.js';
import { experimentIdsOf, storePathOf, withStore } from '../store.js';

interface ExportOptions extends StoreOptions {
  to: string;
  filter?: string;
  batch: number;
  restart?: boolean;
  retries: number;
  toExperiment?: string;
}

const EXAMPLES = `
Destinations:
  http(s)://host[:port]              MLflow tracking server (MLFLOW_TRACKING_TOKEN, or _USERNAME and _PASSWORD)
  databricks, databricks://profile   Databricks (DATABRICKS_HOST and DATABRICKS_TOKEN, or ~/.databrickscfg)
  otlp+http(s)://host[:port][/path]  OpenTelemetry collector (plain otlp: the OTEL_EXPORTER_OTLP_* settings)
  jsonl:<path>, <path>.jsonl         JSONL file, one trace per line (read it back with autolog import)

Examples:
  $ autolog export --to http://127.0.0.1:5000 --to-experiment support-bot
  $ autolog export --to traces.jsonl --filter "trace.timestamp_ms > 1765000000000"
  $ autolog export --to otlp+http://127.0.0.1:4318 --restart`;

export function registerExport(program: Command, out: Output): void {
  const cmd = program
    .command('export')
    .description(
      'send local traces to an MLflow server, Databricks, an OTLP collector or a JSONL file (resumable)',
    )
    .requiredOption('-t, --to <destination>', 'where to send the traces (see Destinations below)')
    .option('-f, --filter <filter>', 'only traces matching this MLflow filter string')
    .option('-b, --batch <n>', 'traces per batch, 1 to 500', intOption(1, 500), 100)
    .option(
      '--restart',
      'forget what was exported to this destination and start over (a JSONL file is emptied)',
    )
    .option('--retries <n>', 'retries of a batch that fails for a temporary reason', intOption(0, 100), 4)
    .option(
      '--to-experiment <name>',
      'MLflow/Databricks experiment to export into, created if missing (default: MLFLOW_EXPERIMENT_NAME/_ID, else 0)',
    );
  addExperimentOption(addStoreOption(cmd), 'only traces of this local experiment (id or name; default: all)');
  cmd.addHelpText('after', EXAMPLES);
  cmd.action((options: ExportOptions) => exportTraces(options, out));
}

/** Ids of the matching traces, oldest first (the order they are exported in). */
async function matchingTraceIds(
  store: LocalStore,
  experimentIds: string[],
  filterString: string | undefined,
): Promise<string[]> {
  const client = new TracingClient({ store });
  const ids: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.searchTraces({
      experimentIds,
      filterString,
      orderBy: ['timestamp_ms ASC'],
      maxResults: 500,
      pageToken,
      includeSpans: false,
    });
    for (const trace of page.traces) ids.push(trace.info.traceId);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return ids;
}

async function exportTraces(options: ExportOptions, out: Output): Promise<void> {
  const storePath = storePathOf(options.store);
  await withStore(storePath, async (store) => {
    const ids = await matchingTraceIds(store, experimentIdsOf(store, options.experiment), options.filter);
    if (ids.length === 0) {
      out.result(
        options.filter
          ? 'no traces match the filter; nothing to export'
          : 'no traces in the store; nothing to export',
      );
      return;
    }
    const target = await openExportTarget(options.to, {
      restart: options.restart === true,
      experimentName: options.toExperiment,
    });
    const checkpoint = ExportCheckpoint.open(storePath, target.key, { restart: options.restart });
    const pending = ids.filter((id) => !checkpoint.has(id));
    const already = ids.length - pending.length;
    if (pending.length === 0) {
      await target.destination.shutdown?.();
      out.result(
        `all ${ids.length} matching traces were exported to ${target.label} before; nothing to do (--restart exports them again)`,
      );
      return;
    }
    if (already)
      out.log(
        `${already} of ${ids.length} traces were exported to ${target.label} before; continuing with the other ${pending.length} (--restart starts over)`,
      );
    const bar = new ProgressBar(out.io.stderr, ids.length, 'exporting', already);
    const stop = onInterrupt(out, bar);
    let sent = 0;
    try {
      for (let i = 0; i < pending.length && !stop.requested; i += options.batch) {
        const records = pending.slice(i, i + options.batch).flatMap((id) => store.getTrace(id) ?? []);
        await deliver(target.destination, records, {
          label: target.label,
          attempts: options.retries + 1,
          onDelivered: (done) => {
            checkpoint.record(done);
            sent += done.length;
            bar.advance(done.length);
          },
          onRetry: (message) => {
            bar.clear();
            out.warn(message);
          },
        });
      }
    } finally {
      bar.clear();
      stop.dispose();
      await target.destination.shutdown?.();
    }
    // A JSONL file that already held some traces (its checkpoint lost) skipped them.
    const inFile = target.destination instanceof JsonlDestination ? target.destination.skipped : 0;
    const notes = [inFile ? `${inFile} already in the file` : '', already ? `${already} exported before` : '']
      .filter(Boolean)
      .map((note) => `; ${note}`)
      .join('');
    if (stop.requested) {
      throw new CliError(
        `interrupted: exported ${sent - inFile} of ${pending.length} traces to ${target.label}${notes} — run the same command again to continue`,
        130,
      );
    }
    out.result(`exported ${sent - inFile} traces to ${target.label}${notes} (${ids.length} matching)`);
  });
}

/** Ctrl-C stops after the batch in flight (so the checkpoint stays exact); a second one quits at once. */
function onInterrupt(out: Output, bar: ProgressBar): { requested: boolean; dispose(): void } {
  const state = {
    requested: false,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
  const handler = () => {
    if (state.requested) process.exit(130);
    state.requested = true;
    bar.clear();
    out.log('stopping after the current batch (Ctrl-C again to quit now)…');
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return state;
}
