import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultStorePath, LocalStore, StoreWriteError } from '../../src/store/index.js';
import { simpleTrace, tempDir, traceIdOf } from './fixtures.js';

describe('LocalStore writes and lists', () => {
  let tmp: ReturnType<typeof tempDir>;
  let path: string;
  let store: LocalStore;
  beforeEach(() => {
    tmp = tempDir();
    path = join(tmp.dir, 'traces.db');
    store = new LocalStore({ path });
  });
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });

  const count = (table: string) =>
    store.database.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;

  it('replaces a trace written twice instead of duplicating its rows', () => {
    const first = simpleTrace(1, { children: 3 });
    store.export([first]);
    store.export([first]);
    expect(count('traces')).toBe(1);
    expect(count('spans')).toBe(4);

    const second = simpleTrace(1, { children: 1 });
    second.info.state = 'ERROR';
    second.info.tags = { 'mlflow.traceName': 'handle_request', retried: 'yes' };
    store.export([second]);
    expect(store.getTrace(second.info.traceId)).toStrictEqual(second);
    expect(count('spans')).toBe(2);
    expect(count('trace_tags')).toBe(1); // `retried`; the name tag is the trace's name column
  });

  it('writes a batch containing the same trace twice, keeping the last version', () => {
    const a = simpleTrace(1);
    const b = simpleTrace(1, { children: 0 });
    store.export([a, b]);
    expect(store.getTrace(a.info.traceId)).toStrictEqual(b);
  });

  it('stores the source metadata of each trace once per distinct set, also when sets alternate in a batch', () => {
    const withCommit = (n: number, commit: string) => {
      const t = simpleTrace(n);
      t.info.traceMetadata = {
        'mlflow.source.name': 'app.ts',
        'mlflow.source.git.commit': commit,
        'mlflow.trace_schema.version': '3',
        'mlflow.trace.user': `u${n}`,
      };
      return t;
    };
    const commits = ['aaa', 'aaa', 'bbb', 'aaa', 'bbb', 'bbb'];
    const traces = commits.map((c, i) => withCommit(i + 1, c));
    store.export(traces);
    store.export([withCommit(7, 'aaa')]);
    expect(count('metadata_sets')).toBe(2);
    for (const [i, commit] of [...commits, 'aaa'].entries()) {
      const md = store.getTrace(traceIdOf(i + 1))?.info.traceMetadata;
      expect(md).toEqual({
        'mlflow.source.name': 'app.ts',
        'mlflow.source.git.commit': commit,
        'mlflow.trace_schema.version': '3',
        'mlflow.trace.user': `u${i + 1}`,
      });
    }
  });

  it('lists traces newest first, with limit and offset', () => {
    store.export([simpleTrace(1), simpleTrace(3), simpleTrace(2), simpleTrace(5), simpleTrace(4)]);
    const ids = (infos: { traceId: string }[]) => infos.map((i) => i.traceId);
    expect(ids(store.listTraces())).toEqual([5, 4, 3, 2, 1].map((n) => traceIdOf(n)));
    expect(ids(store.listTraces({ limit: 2 }))).toEqual([traceIdOf(5), traceIdOf(4)]);
    expect(ids(store.listTraces({ limit: 2, offset: 2 }))).toEqual([traceIdOf(3), traceIdOf(2)]);
  });

  it('lists full trace infos (tags, metadata) and filters by experiment', () => {
    const other = store.getOrCreateExperiment('other');
    store.export([simpleTrace(1), simpleTrace(2, { experimentId: other })]);
    const listed = store.listTraces({ experimentId: other });
    expect(listed).toStrictEqual([simpleTrace(2, { experimentId: other }).info]);
    expect(store.listTraces({ experimentId: '0' }).map((i) => i.traceId)).toEqual([traceIdOf(1)]);
    expect(store.listTraces()).toHaveLength(2);
  });

  it('returns trace infos for ids in the requested order, skipping unknown ids', () => {
    store.export([simpleTrace(1), simpleTrace(2)]);
    const infos = store.getTraceInfos([traceIdOf(2), traceIdOf(9), traceIdOf(1)]);
    expect(infos).toStrictEqual([simpleTrace(2).info, simpleTrace(1).info]);
  });

  it('always has the default experiment 0 named Default and uses it by default', () => {
    expect(store.getExperiment('0')).toMatchObject({ experimentId: '0', name: 'Default' });
    expect(store.getExperiment('Default')?.experimentId).toBe('0');
    expect(store.resolveExperiment()).toBe('0');
  });

  it('creates an experiment by name once and reuses it, also across reopen', () => {
    const id = store.getOrCreateExperiment('chatbot');
    expect(id).toBe('1');
    expect(store.getOrCreateExperiment('chatbot')).toBe(id);
    expect(store.getOrCreateExperiment('agent')).toBe('2');
    store.close();
    store = new LocalStore({ path, experimentName: 'chatbot' });
    expect(store.resolveExperiment()).toBe(id);
    expect(store.getExperiment(id)).toMatchObject({ experimentId: id, name: 'chatbot' });
    expect(store.getExperiment('missing')).toBeNull();
  });

  it('resolves an existing experiment id and refuses an unknown one with a clear error', () => {
    const id = store.getOrCreateExperiment('chatbot');
    const byId = new LocalStore({ path, experimentId: id });
    expect(byId.resolveExperiment()).toBe(id);
    byId.close();
    expect(() => new LocalStore({ path, experimentId: '999' })).toThrow(
      /Experiment id "999" does not exist in the local trace store at ".*traces\.db"/,
    );
  });

  it('creates a row named experiment-<id> for an unknown experiment id in a trace', () => {
    store.getOrCreateExperiment('experiment-77');
    store.export([simpleTrace(1, { experimentId: '77' })]);
    expect(store.getExperiment('77')).toMatchObject({ experimentId: '77', name: 'experiment-77-2' });
    store.export([simpleTrace(2, { experimentId: '88' })]);
    expect(store.getExperiment('88')?.name).toBe('experiment-88');
    expect(store.getTrace(traceIdOf(1))?.info.experimentId).toBe('77');
  });

  it('writes the good traces of a batch and reports the bad ones', () => {
    const bad = simpleTrace(2);
    bad.data.spans[0].attributes = { big: 1n };
    let error: unknown;
    try {
      store.export([simpleTrace(1), bad, simpleTrace(3)]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StoreWriteError);
    expect((error as StoreWriteError).failedTraceIds).toEqual([traceIdOf(2)]);
    expect((error as Error).message).toMatch(/Could not write 1 of 3 traces .*BigInt/);
    expect(store.listTraces().map((i) => i.traceId)).toEqual([traceIdOf(3), traceIdOf(1)]);
  });

  it('closes idempotently and refuses use after close', () => {
    store.close();
    store.shutdown();
    expect(() => store.export([simpleTrace(1)])).toThrow(/is closed/);
    expect(() => store.getTrace(traceIdOf(1))).toThrow(/is closed/);
  });

  it('keeps forceFlush a no-op: data is committed when export returns', () => {
    store.export([simpleTrace(1)]);
    store.forceFlush();
    const reader = new LocalStore({ path });
    expect(reader.getTrace(traceIdOf(1))).toStrictEqual(simpleTrace(1));
    reader.close();
  });

  it('defaults the store path to AUTOLOG_STORE, else <cwd>/.autolog/traces.db', () => {
    const saved = process.env.AUTOLOG_STORE;
    try {
      process.env.AUTOLOG_STORE = '/data/my-traces.db';
      expect(defaultStorePath()).toBe('/data/my-traces.db');
      delete process.env.AUTOLOG_STORE;
      expect(defaultStorePath()).toBe(join(process.cwd(), '.autolog', 'traces.db'));
    } finally {
      if (saved === undefined) delete process.env.AUTOLOG_STORE;
      else process.env.AUTOLOG_STORE = saved;
    }
  });
});
