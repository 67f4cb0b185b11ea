/**
 * `autolog import <file.jsonl>`: traces from a JSONL file (what `autolog export` writes, or
 * MLflow trace JSON, one per line) into the local store. Bad lines are reported with their
 * line numbers and skipped; the exit code is then 1. Importing a trace again replaces it.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { LocalStore, TraceRecord } from '@autolog/core';
import type { Command } from 'commander';
import { CliError } from '../errors.js';
import { addStoreOption, intOption, type StoreOptions } from '../options.js';
import type { Output } from '../output.js';
import { storePathOf, withStore } from '../store.js';
import { parseTraceLine } from '../trace-json.js';

interface ImportOptions extends StoreOptions {
  batch: number;
}

/** Bad lines reported one by one; past this, only counted. */
const MAX_REPORTED = 20;

const EXAMPLES = `
Examples:
  $ autolog import traces.jsonl
  $ autolog import traces.jsonl --store ./copy/traces.db --experiment imported
  $ cat traces.jsonl | autolog import -`;

export function registerImport(program: Command, out: Output): void {
  const cmd = program
    .command('import')
    .description(
      'read traces from a JSONL file (autolog export or MLflow trace JSON, one per line) into the local store',
    )
    .argument('<file>', 'the JSONL file, or - for standard input')
    .option(
      '-e, --experiment <id|name>',
      "put every trace in this experiment (created by name if missing; default: each trace's own)",
    )
    .option('-b, --batch <n>', 'traces written per transaction', intOption(1, 10_000), 200);
  addStoreOption(cmd);
  cmd.addHelpText('after', EXAMPLES);
  cmd.action((file: string, options: ImportOptions) => importTraces(file, options, out));
}

function experimentFor(store: LocalStore, experiment: string | undefined): string | undefined {
  if (experiment === undefined) return undefined;
  return store.getExperiment(experiment)?.experimentId ?? store.getOrCreateExperiment(experiment);
}

async function importTraces(file: string, options: ImportOptions, out: Output): Promise<void> {
  const input = file === '-' ? process.stdin : openInput(resolve(file));
  const storePath = storePathOf(options.store);
  const summary = await withStore(
    storePath,
    async (store) => {
      const experimentId = experimentFor(store, options.experiment);
      let batch: TraceRecord[] = [];
      let imported = 0;
      let bad = 0;
      let lineNumber = 0;
      const flush = () => {
        store.export(batch);
        imported += batch.length;
        batch = [];
      };
      for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
        lineNumber++;
        if (!line.trim()) continue;
        try {
          const record = parseTraceLine(line);
          if (experimentId !== undefined) record.info.experimentId = experimentId;
          batch.push(record);
        } catch (error) {
          bad++;
          if (bad <= MAX_REPORTED) out.log(`${file}:${lineNumber}: ${(error as Error).message}`);
          continue;
        }
        if (batch.length >= options.batch) flush();
      }
      if (batch.length) flush();
      return { imported, bad };
    },
    { create: true },
  );
  if (summary.bad > MAX_REPORTED) out.log(`… and ${summary.bad - MAX_REPORTED} more bad lines`);
  out.result(
    `imported ${summary.imported} traces into ${storePath}${summary.bad ? ` (${summary.bad} bad lines skipped)` : ''}`,
  );
  if (summary.bad)
    throw new CliError(`${summary.bad} line(s) of ${file} were not traces and were skipped (see above)`);
}

function openInput(path: string): NodeJS.ReadableStream {
  if (!existsSync(path)) throw new CliError(`no such file: ${path}`);
  if (statSync(path).isDirectory()) throw new CliError(`${path} is a directory; pass a JSONL file`);
  return createReadStream(path);
}
