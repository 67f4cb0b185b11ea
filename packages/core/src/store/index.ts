/**
 * The embedded local store (SQLite, WAL): the SDK's default destination.
 */
import { join } from 'node:path';

export type { ExperimentInfo } from './experiments.js';
export {
  type DeleteTracesOptions,
  type ListTracesOptions,
  LocalStore,
  type LocalStoreOptions,
} from './local-store.js';
export type { TraceRow } from './rows.js';
export {
  DEFAULT_EXPERIMENT_ID,
  DEFAULT_EXPERIMENT_NAME,
  MIGRATIONS,
  type Migration,
  migrate,
  SCHEMA_VERSION,
  SchemaVersionError,
} from './schema.js';
export { StoreWriteError } from './trace-writer.js';

/** The store's path: `AUTOLOG_STORE` when set, else `<cwd>/.autolog/traces.db`. */
export function defaultStorePath(): string {
  const fromEnv = process.env.AUTOLOG_STORE;
  return fromEnv ? fromEnv : join(process.cwd(), '.autolog', 'traces.db');
}
