/**
 * Opening the local trace store the commands read: `--store`, else `AUTOLOG_STORE`, else
 * `./.autolog/traces.db` (the SDK's default, so `autolog` finds what the app wrote).
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultStorePath, LocalStore } from '@autolog/core';
import { CliError } from './errors.js';

/** The store file a command uses. */
export function storePathOf(option: string | undefined): string {
  return resolve(option ?? defaultStorePath());
}

/**
 * Opens the store. Reading commands want it to exist (`create: false`); opening a missing path
 * would quietly create an empty store and report "no traces", which hides a wrong path.
 */
export function openStore(path: string, options: { create?: boolean } = {}): LocalStore {
  if (!options.create) {
    if (!existsSync(path))
      throw new CliError(`no trace store at ${path} — run your app with Autolog first, or pass --store`);
    if (statSync(path).isDirectory())
      throw new CliError(`${path} is a directory, not a trace store file — pass --store <path to traces.db>`);
  }
  try {
    return new LocalStore({ path });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError(`cannot open the trace store at ${path}: ${message}`);
  }
}

/** Every experiment id in the store (the viewer lists them the same way). */
export function allExperimentIds(store: LocalStore): string[] {
  const rows = store.database
    .prepare('SELECT experiment_id AS id FROM experiments ORDER BY experiment_id')
    .all() as Array<{ id: string }>;
  return rows.map((row) => row.id);
}

/**
 * The experiments a command reads: the one named by `--experiment` (an id or a name), else all
 * of them (an app that set `experimentName` writes elsewhere than experiment `0`).
 */
export function experimentIdsOf(store: LocalStore, experiment: string | undefined): string[] {
  if (experiment === undefined) {
    const ids = allExperimentIds(store);
    return ids.length ? ids : [store.resolveExperiment()];
  }
  const found = store.getExperiment(experiment);
  if (!found)
    throw new CliError(`no experiment "${experiment}" (by id or name) in the trace store at ${store.path}`);
  return [found.experimentId];
}

/** Runs `fn` with the store open, and closes it afterwards. */
export async function withStore<T>(
  path: string,
  fn: (store: LocalStore) => Promise<T> | T,
  options: { create?: boolean } = {},
): Promise<T> {
  const store = openStore(path, options);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}
