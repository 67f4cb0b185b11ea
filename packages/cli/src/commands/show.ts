/**
 * `autolog show <traceId>`: one trace's span tree in the terminal, or its MLflow JSON.
 */
import { Trace } from '@autolog/core';
import type { Command } from 'commander';
import { CliError } from '../errors.js';
import { addStoreOption, type StoreOptions } from '../options.js';
import type { Output } from '../output.js';
import { storePathOf, withStore } from '../store.js';
import { formatTrace } from '../trace-tree.js';

interface ShowOptions extends StoreOptions {
  json?: boolean;
}

const EXAMPLES = `
Examples:
  $ autolog show tr-0195f3c1e2a04b6c9d8e7f6a5b4c3d2e
  $ autolog show tr-0195f3c1e2a04b6c9d8e7f6a5b4c3d2e --json > trace.json`;

export function registerShow(program: Command, out: Output): void {
  const cmd = program
    .command('show')
    .description('print a trace as a span tree with durations, status, tokens and cost, or as MLflow JSON')
    .argument('<traceId>', 'the trace id (tr-…; the tr- prefix may be left out)')
    .option('--json', "print the trace in MLflow's JSON form (info and spans)");
  addStoreOption(cmd);
  cmd.addHelpText('after', EXAMPLES);
  cmd.action((traceId: string, options: ShowOptions) => show(traceId, options, out));
}

async function show(traceId: string, options: ShowOptions, out: Output): Promise<void> {
  const path = storePathOf(options.store);
  await withStore(path, (store) => {
    const id = traceId.trim();
    const record = store.getTrace(id) ?? (id.startsWith('tr-') ? null : store.getTrace(`tr-${id}`));
    if (!record)
      throw new CliError(`no trace ${id} in the trace store at ${path} — list traces with: autolog search`);
    out.result(
      options.json ? JSON.stringify(new Trace(record).toJSON(), null, 2) : formatTrace(record, out.colour),
    );
  });
}
