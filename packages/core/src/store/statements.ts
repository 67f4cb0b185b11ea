/**
 * The store's prepared statements, prepared once per connection. Column order of the INSERTs
 * matches the parameter arrays built in `rows.ts`.
 */
import type Database from 'better-sqlite3';
import type { AssessmentRow, KeyValueRow, TraceRow } from './rows.js';

export interface ExperimentRow {
  experiment_id: string;
  name: string;
  creation_time: number;
}

type Stmt<R = unknown> = Database.Statement<unknown[], R>;

/** All statements the store runs more than once. */
export interface Statements {
  experimentById: Stmt<ExperimentRow>;
  experimentByName: Stmt<ExperimentRow>;
  experimentNameTaken: Stmt<number>;
  nextExperimentId: Stmt<number>;
  insertExperiment: Stmt;
  deleteTrace: Stmt;
  insertTrace: Stmt;
  insertTag: Stmt;
  insertMetadata: Stmt;
  metadataSetByDigest: Stmt<number>;
  insertMetadataSet: Stmt;
  insertSharedMetadata: Stmt;
  sharedMetadataOf: Stmt<{ key: string; value: string }>;
  insertSpan: Stmt;
  upsertAssessment: Stmt;
  invalidateAssessment: Stmt;
  validateAssessment: Stmt;
  traceExists: Stmt<number>;
  traceRow: Stmt<TraceRow>;
  tagsOf: Stmt<KeyValueRow>;
  metadataOf: Stmt<KeyValueRow>;
  assessmentsOf: Stmt<AssessmentRow>;
  spanContentsOf: Stmt<string>;
  traceRowsIn: Stmt<TraceRow>;
  tagsIn: Stmt<KeyValueRow>;
  metadataIn: Stmt<KeyValueRow>;
  assessmentsIn: Stmt<AssessmentRow>;
  listAll: Stmt<TraceRow>;
  listByExperiment: Stmt<TraceRow>;
  assessment: Stmt<AssessmentRow>;
  deleteAssessment: Stmt;
  upsertTag: Stmt;
  deleteTag: Stmt;
  setTraceName: Stmt;
  clearTraceName: Stmt;
}

const IDS = 'SELECT value FROM json_each(?)';

/** Prepares every statement on `db` (schema must be migrated). */
export function prepareStatements(db: Database.Database): Statements {
  const p = <R = unknown>(sql: string): Stmt<R> => db.prepare<unknown[], R>(sql);
  const pluck = <R>(sql: string): Stmt<R> => p<R>(sql).pluck();
  return {
    experimentById: p('SELECT experiment_id, name, creation_time FROM experiments WHERE experiment_id = ?'),
    experimentByName: p('SELECT experiment_id, name, creation_time FROM experiments WHERE name = ?'),
    experimentNameTaken: pluck('SELECT 1 FROM experiments WHERE name = ?'),
    nextExperimentId: pluck(
      `SELECT COALESCE(MAX(CAST(experiment_id AS INTEGER)), 0) + 1 FROM experiments
       WHERE experiment_id GLOB '[0-9]*' AND experiment_id NOT GLOB '*[^0-9]*'`,
    ),
    insertExperiment: p(
      `INSERT INTO experiments (experiment_id, name, creation_time, last_update_time)
       VALUES (?, ?, ?, ?)`,
    ),
    deleteTrace: p('DELETE FROM traces WHERE trace_id = ?'),
    insertTrace: p(
      `INSERT INTO traces (trace_id, experiment_id, client_request_id, request_time,
         execution_duration, state, name, request_preview, response_preview, input_tokens,
         output_tokens, total_tokens, cache_read_input_tokens, reasoning_tokens, user_id,
         session_id, total_cost, metadata_set, token_usage, cost)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (trace_id) DO NOTHING`,
    ),
    insertTag: p('INSERT OR REPLACE INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?)'),
    insertMetadata: p('INSERT OR REPLACE INTO trace_metadata (trace_id, key, value) VALUES (?, ?, ?)'),
    metadataSetByDigest: pluck('SELECT set_id FROM metadata_sets WHERE digest = ?'),
    insertMetadataSet: p('INSERT INTO metadata_sets (digest) VALUES (?) ON CONFLICT (digest) DO NOTHING'),
    insertSharedMetadata: p('INSERT OR IGNORE INTO shared_metadata (set_id, key, value) VALUES (?, ?, ?)'),
    sharedMetadataOf: p('SELECT key, value FROM shared_metadata WHERE set_id = ?'),
    insertSpan: p(
      `INSERT OR REPLACE INTO spans (trace_id, span_id, parent_id, name, span_type, status,
         start_time_ns, end_time_ns, content)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    upsertAssessment: p(
      `INSERT INTO assessments (assessment_id, trace_id, span_id, name, kind, value, error,
         source_type, source_id, rationale, metadata, create_time, last_update_time, overrides,
         valid)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (assessment_id) DO UPDATE SET trace_id = excluded.trace_id,
         span_id = excluded.span_id, name = excluded.name, kind = excluded.kind,
         value = excluded.value, error = excluded.error, source_type = excluded.source_type,
         source_id = excluded.source_id, rationale = excluded.rationale,
         metadata = excluded.metadata, create_time = excluded.create_time,
         last_update_time = excluded.last_update_time, overrides = excluded.overrides,
         valid = excluded.valid`,
    ),
    invalidateAssessment: p('UPDATE assessments SET valid = 0 WHERE trace_id = ? AND assessment_id = ?'),
    validateAssessment: p('UPDATE assessments SET valid = 1 WHERE trace_id = ? AND assessment_id = ?'),
    traceExists: pluck('SELECT 1 FROM traces WHERE trace_id = ?'),
    traceRow: p('SELECT * FROM traces WHERE trace_id = ?'),
    tagsOf: p('SELECT trace_id, key, value FROM trace_tags WHERE trace_id = ?'),
    metadataOf: p('SELECT trace_id, key, value FROM trace_metadata WHERE trace_id = ?'),
    assessmentsOf: p('SELECT * FROM assessments WHERE trace_id = ? ORDER BY rowid'),
    spanContentsOf: pluck('SELECT content FROM spans WHERE trace_id = ? ORDER BY start_time_ns, rowid'),
    traceRowsIn: p(`SELECT * FROM traces WHERE trace_id IN (${IDS})`),
    tagsIn: p(`SELECT trace_id, key, value FROM trace_tags WHERE trace_id IN (${IDS})`),
    metadataIn: p(`SELECT trace_id, key, value FROM trace_metadata WHERE trace_id IN (${IDS})`),
    assessmentsIn: p(`SELECT * FROM assessments WHERE trace_id IN (${IDS}) ORDER BY rowid`),
    listAll: p('SELECT * FROM traces ORDER BY request_time DESC, rowid DESC LIMIT ? OFFSET ?'),
    listByExperiment: p(
      `SELECT * FROM traces WHERE experiment_id = ?
       ORDER BY request_time DESC, rowid DESC LIMIT ? OFFSET ?`,
    ),
    assessment: p('SELECT * FROM assessments WHERE trace_id = ? AND assessment_id = ?'),
    deleteAssessment: p('DELETE FROM assessments WHERE trace_id = ? AND assessment_id = ?'),
    upsertTag: p(
      `INSERT INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?)
       ON CONFLICT (trace_id, key) DO UPDATE SET value = excluded.value`,
    ),
    deleteTag: p('DELETE FROM trace_tags WHERE trace_id = ? AND key = ?'),
    setTraceName: p('UPDATE traces SET name = ? WHERE trace_id = ?'),
    clearTraceName: p('UPDATE traces SET name = NULL WHERE trace_id = ? AND name IS NOT NULL'),
  };
}
