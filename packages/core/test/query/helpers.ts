/**
 * A seeded local store (and the same traces in memory) for the query tests.
 */
import { join } from 'node:path';
import { LocalStore } from '../../src/store/index.js';
import type { TraceRecord } from '../../src/types.js';
import { tempDir } from '../store/fixtures.js';
import { corpus, NAME_OF } from './corpus.js';

export interface Seeded {
  store: LocalStore;
  memory: TraceRecord[];
  cleanup: () => void;
}

/** A fresh store file holding the corpus, plus an in-memory copy of the same traces. */
export function seededStore(records: TraceRecord[] = corpus()): Seeded {
  const tmp = tempDir();
  const store = new LocalStore({ path: join(tmp.dir, 'traces.db') });
  store.export(records);
  return {
    store,
    memory: corpus(),
    cleanup: () => {
      store.close();
      tmp.cleanup();
    },
  };
}

/** Corpus names of traces, in order. */
export const names = (traces: readonly TraceRecord[]): string[] =>
  traces.map((t) => NAME_OF[t.info.traceId] ?? t.info.traceId);

/** Row counts of every table and the integrity check, to prove a store unchanged. */
export function fingerprintStore(store: LocalStore): Record<string, unknown> {
  const db = store.database;
  const count = (t: string) => db.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get();
  return {
    traces: count('traces'),
    spans: count('spans'),
    trace_tags: count('trace_tags'),
    trace_metadata: count('trace_metadata'),
    assessments: count('assessments'),
    experiments: count('experiments'),
    schema: db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all(),
    integrity: db.pragma('integrity_check', { simple: true }),
  };
}
