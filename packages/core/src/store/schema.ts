/**
 * Schema of the embedded local store, versioned by `PRAGMA user_version`.
 *
 * Each migration moves the schema from version `i` to `i + 1` (its index + 1) and runs in its
 * own `BEGIN IMMEDIATE` transaction, so several processes opening the same fresh file at once
 * serialise on the write lock and each step is applied exactly once. Never edit a released
 * migration: append a new one.
 */
import type Database from 'better-sqlite3';
import { SHARED_KEY_SQL } from './shared-metadata.js';

/** One schema step. `up` runs inside the transaction that also bumps `user_version`. */
export interface Migration {
  readonly description: string;
  readonly up: (db: Database.Database) => void;
}

/** Id and name of the experiment that always exists (MLflow's default experiment). */
export const DEFAULT_EXPERIMENT_ID = '0';
export const DEFAULT_EXPERIMENT_NAME = 'Default';

const V1_SQL = `
CREATE TABLE experiments (
  experiment_id    TEXT PRIMARY KEY NOT NULL,
  name             TEXT NOT NULL UNIQUE,
  creation_time    INTEGER NOT NULL,
  last_update_time INTEGER NOT NULL,
  lifecycle_stage  TEXT NOT NULL DEFAULT 'active'
);

CREATE TABLE traces (
  trace_id                TEXT PRIMARY KEY NOT NULL,
  experiment_id           TEXT NOT NULL REFERENCES experiments (experiment_id),
  client_request_id       TEXT,
  request_time            INTEGER NOT NULL,
  execution_duration      INTEGER NOT NULL,
  state                   TEXT NOT NULL,
  name                    TEXT,
  request_preview         TEXT,
  response_preview        TEXT,
  input_tokens            INTEGER,
  output_tokens           INTEGER,
  total_tokens            INTEGER,
  cache_read_input_tokens INTEGER,
  reasoning_tokens        INTEGER
);
CREATE INDEX traces_experiment_time ON traces (experiment_id, request_time DESC);
CREATE INDEX traces_state ON traces (state);
CREATE INDEX traces_name ON traces (name);
CREATE INDEX traces_duration ON traces (execution_duration);
CREATE INDEX traces_client_request_id ON traces (client_request_id) WHERE client_request_id IS NOT NULL;

CREATE TABLE trace_tags (
  trace_id TEXT NOT NULL REFERENCES traces (trace_id) ON DELETE CASCADE,
  key      TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (trace_id, key)
) WITHOUT ROWID;
CREATE INDEX trace_tags_key_value ON trace_tags (key, value);

CREATE TABLE trace_metadata (
  trace_id TEXT NOT NULL REFERENCES traces (trace_id) ON DELETE CASCADE,
  key      TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (trace_id, key)
) WITHOUT ROWID;
CREATE INDEX trace_metadata_key_value ON trace_metadata (key, value);

CREATE TABLE spans (
  trace_id      TEXT NOT NULL REFERENCES traces (trace_id) ON DELETE CASCADE,
  span_id       TEXT NOT NULL,
  parent_id     TEXT,
  name          TEXT NOT NULL,
  span_type     TEXT,
  status        TEXT NOT NULL,
  start_time_ns INTEGER NOT NULL,
  end_time_ns   INTEGER,
  content       TEXT NOT NULL,
  PRIMARY KEY (trace_id, span_id)
);
CREATE INDEX spans_name ON spans (name);
CREATE INDEX spans_type ON spans (span_type);
CREATE INDEX spans_status ON spans (status);

CREATE TABLE assessments (
  assessment_id    TEXT PRIMARY KEY NOT NULL,
  trace_id         TEXT NOT NULL REFERENCES traces (trace_id) ON DELETE CASCADE,
  span_id          TEXT,
  name             TEXT NOT NULL,
  kind             TEXT NOT NULL CHECK (kind IN ('feedback', 'expectation')),
  value            TEXT,
  error            TEXT,
  source_type      TEXT NOT NULL,
  source_id        TEXT NOT NULL,
  rationale        TEXT,
  metadata         TEXT,
  create_time      INTEGER NOT NULL,
  last_update_time INTEGER NOT NULL,
  overrides        TEXT,
  valid            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX assessments_trace ON assessments (trace_id);
CREATE INDEX assessments_name ON assessments (name, kind, trace_id);
`;

/**
 * Version 2, for search and analysis: the user, session and total cost of a trace (from its
 * metadata `mlflow.trace.user`, `mlflow.trace.session`, `mlflow.trace.cost`) as columns, and a
 * covering index keyed by trace id holding what statistics read, so grouped statistics over
 * 100k traces read neither the wide trace rows nor the metadata of every trace.
 */
const V2_SQL = `
ALTER TABLE traces ADD COLUMN user_id TEXT;
ALTER TABLE traces ADD COLUMN session_id TEXT;
ALTER TABLE traces ADD COLUMN total_cost REAL;
UPDATE traces SET
  user_id = (SELECT value FROM trace_metadata m WHERE m.trace_id = traces.trace_id AND m.key = 'mlflow.trace.user'),
  session_id = (SELECT value FROM trace_metadata m WHERE m.trace_id = traces.trace_id AND m.key = 'mlflow.trace.session'),
  total_cost = (SELECT CASE WHEN json_valid(value) AND json_type(value, '$.total_cost') IN ('integer', 'real')
                  THEN json_extract(value, '$.total_cost') END
                FROM trace_metadata m WHERE m.trace_id = traces.trace_id AND m.key = 'mlflow.trace.cost');
CREATE INDEX traces_stats ON traces (trace_id, experiment_id, request_time, state, execution_duration,
  user_id, session_id, input_tokens, output_tokens, total_tokens, total_cost);
`;

/**
 * Version 3, for a cheaper write per trace: metadata shared by every trace of a process (see
 * `shared-metadata.ts`) moves to sets stored once; the `mlflow.traceName` tag is the `name`
 * column only; only traces that are not OK are indexed by state; no index on durations; spans keep only the indexes searches use (their primary
 * key, and the error spans for error groups).
 */
const V3_SQL = `
CREATE TABLE metadata_sets (
  set_id INTEGER PRIMARY KEY,
  digest TEXT NOT NULL UNIQUE
);
CREATE TABLE shared_metadata (
  set_id INTEGER NOT NULL REFERENCES metadata_sets (set_id),
  key    TEXT NOT NULL,
  value  TEXT NOT NULL,
  PRIMARY KEY (set_id, key)
) WITHOUT ROWID;
ALTER TABLE traces ADD COLUMN metadata_set INTEGER REFERENCES metadata_sets (set_id);

CREATE TEMP TABLE v3_sets AS
  SELECT trace_id, json_group_object(key, value) AS digest
  FROM (SELECT trace_id, key, value FROM trace_metadata WHERE ${SHARED_KEY_SQL} ORDER BY trace_id, key)
  GROUP BY trace_id;
INSERT OR IGNORE INTO metadata_sets (digest) SELECT DISTINCT digest FROM v3_sets ORDER BY digest;
INSERT INTO shared_metadata (set_id, key, value)
  SELECT s.set_id, j.key, j.value FROM metadata_sets s, json_each(s.digest) j;
UPDATE traces SET metadata_set = (
  SELECT s.set_id FROM v3_sets v JOIN metadata_sets s ON s.digest = v.digest WHERE v.trace_id = traces.trace_id)
  WHERE trace_id IN (SELECT trace_id FROM v3_sets);
DELETE FROM trace_metadata WHERE ${SHARED_KEY_SQL};
DROP TABLE v3_sets;

-- A trace's name tag is its name column.
DELETE FROM trace_tags WHERE key = 'mlflow.traceName';

-- Most traces are OK: only the others are indexed by state (a search for failed or unfinished
-- traces names the condition, see compile-sql), so an OK trace adds nothing to this index.
DROP INDEX traces_state;
CREATE INDEX traces_not_ok ON traces (state, request_time) WHERE state <> 'OK';

-- Durations arrive in random order (every insert touched a random page); a duration filter
-- reads the covering traces_stats index or the time-ordered scan instead.
DROP INDEX traces_duration;

DROP INDEX spans_name;
DROP INDEX spans_type;
DROP INDEX spans_status;
CREATE INDEX spans_errors ON spans (trace_id) WHERE status = 'ERROR';
`;

/**
 * Version 4, for a cheaper write per model-call trace: its token usage and cost metadata
 * (`mlflow.trace.tokenUsage`, `mlflow.trace.cost`) move from `trace_metadata` rows, each with an
 * entry in the (key, value) index, to two columns of the trace's own row.
 */
const V4_SQL = `
ALTER TABLE traces ADD COLUMN token_usage TEXT;
ALTER TABLE traces ADD COLUMN cost TEXT;
UPDATE traces SET
  token_usage = (SELECT value FROM trace_metadata m WHERE m.trace_id = traces.trace_id AND m.key = 'mlflow.trace.tokenUsage'),
  cost = (SELECT value FROM trace_metadata m WHERE m.trace_id = traces.trace_id AND m.key = 'mlflow.trace.cost')
  WHERE trace_id IN (SELECT trace_id FROM trace_metadata WHERE key IN ('mlflow.trace.tokenUsage', 'mlflow.trace.cost'));
DELETE FROM trace_metadata WHERE key IN ('mlflow.trace.tokenUsage', 'mlflow.trace.cost');
`;

/** All migrations, in order. `MIGRATIONS[i]` brings the schema from version `i` to `i + 1`. */
export const MIGRATIONS: readonly Migration[] = [
  {
    description: 'experiments, traces, tags, metadata, spans, assessments',
    up: (db) => {
      db.exec(V1_SQL);
      const now = Date.now();
      db.prepare(
        `INSERT OR IGNORE INTO experiments (experiment_id, name, creation_time, last_update_time)
         VALUES (?, ?, ?, ?)`,
      ).run(DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME, now, now);
    },
  },
  {
    description: 'user, session and cost columns and a covering index for statistics',
    up: (db) => db.exec(V2_SQL),
  },
  {
    description: 'process-wide metadata stored once per set; fewer span indexes',
    up: (db) => db.exec(V3_SQL),
  },
  {
    description: 'token usage and cost metadata in columns of the trace',
    up: (db) => db.exec(V4_SQL),
  },
];

/** The schema version this code writes and understands (`PRAGMA user_version`). */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Thrown when the file was written by a newer Autolog whose schema this code does not know. */
export class SchemaVersionError extends Error {
  constructor(
    readonly path: string,
    readonly fileVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `The local trace store at "${path}" has schema version ${fileVersion}, newer than the ` +
        `version ${knownVersion} this @autolog/core understands. Upgrade @autolog/core, or point ` +
        'AUTOLOG_STORE (or the destination option) at another file.',
    );
    this.name = 'SchemaVersionError';
  }
}

/** Reads `PRAGMA user_version`. */
export function readSchemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database to {@link SCHEMA_VERSION}, one transaction per migration.
 * Each step re-reads the version under the write lock, so concurrent openers never apply a
 * migration twice.
 *
 * @returns the version found before migrating and the version after.
 * @throws SchemaVersionError when the file's version is newer than the known one.
 */
export function migrate(
  db: Database.Database,
  path: string,
  migrations: readonly Migration[] = MIGRATIONS,
): { from: number; to: number } {
  const latest = migrations.length;
  const from = readSchemaVersion(db);
  if (from > latest) throw new SchemaVersionError(path, from, latest);
  if (from === latest) return { from, to: latest };
  const step = db.transaction((): boolean => {
    const current = readSchemaVersion(db);
    if (current > latest) throw new SchemaVersionError(path, current, latest);
    if (current === latest) return false;
    migrations[current].up(db);
    db.pragma(`user_version = ${current + 1}`);
    return true;
  });
  while (step.immediate()) {
    // one migration per transaction until up to date
  }
  return { from, to: latest };
}
