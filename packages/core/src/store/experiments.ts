/**
 * Experiment rows: lookup, creation by name, and on-the-fly rows for unknown ids.
 * These functions run on an open connection; callers provide the transaction.
 */
import type { Statements } from './statements.js';

/** An experiment as the store reports it. */
export interface ExperimentInfo {
  experimentId: string;
  name: string;
  /** Epoch milliseconds. */
  creationTime: number;
}

/** Looks an experiment up by id, then by name. */
export function findExperiment(s: Statements, idOrName: string): ExperimentInfo | null {
  const row = s.experimentById.get(idOrName) ?? s.experimentByName.get(idOrName);
  return row ? { experimentId: row.experiment_id, name: row.name, creationTime: row.creation_time } : null;
}

/**
 * Returns the id of the experiment named `name`, inserting it with the next numeric id when
 * missing. Run inside a write transaction so concurrent creators agree on one row.
 */
export function getOrInsertExperimentByName(s: Statements, name: string): string {
  const existing = s.experimentByName.get(name);
  if (existing) return existing.experiment_id;
  let id = Number(s.nextExperimentId.get());
  while (s.experimentById.get(String(id))) id++;
  const now = Date.now();
  s.insertExperiment.run(String(id), name, now, now);
  return String(id);
}

/**
 * Makes sure experiment `id` exists, inserting it as `experiment-<id>` (with a numeric suffix
 * if that name is taken) when it does not. Run inside a write transaction.
 */
export function ensureExperimentId(s: Statements, id: string): void {
  if (s.experimentById.get(id)) return;
  let name = `experiment-${id}`;
  for (let n = 2; s.experimentNameTaken.get(name); n++) name = `experiment-${id}-${n}`;
  const now = Date.now();
  s.insertExperiment.run(id, name, now, now);
}
