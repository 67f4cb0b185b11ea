import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStore, type TraceRecord } from '@autolog/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli.js';
import { seedRecords, seedStore, traceIdOf } from './helpers/seed.js';

let dir: string;
let store: string;
let n = 0;
/** A fresh path in the test directory. */
const path = (name: string) => join(dir, `${n}-${name}`);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'autolog-cli-jsonl-'));
  store = join(dir, 'traces.db');
  seedStore(store);
});
beforeEach(() => {
  n++;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const checkpointFile = () => `${store}.export-checkpoint.jsonl`;
const idsInFile = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line).info.traceId as string);

function readAll(storePath: string): TraceRecord[] {
  const s = new LocalStore({ path: storePath });
  try {
    return seedRecords().map((r) => s.getTrace(r.info.traceId) as TraceRecord);
  } finally {
    s.close();
  }
}

describe('autolog export --to jsonl + autolog import', () => {
  it('round-trips every trace (spans, metadata, tags, assessments) into a fresh store', async () => {
    const file = path('all.jsonl');
    const exported = await runCli(['export', '--to', `jsonl:${file}`, '--store', store, '--batch', '3']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toBe(`exported 8 traces to ${file} (8 matching)\n`);
    expect(exported.stderr).toBe('');
    expect(idsInFile(file)).toEqual(seedRecords().map((r) => r.info.traceId));

    const fresh = path('fresh/traces.db');
    const imported = await runCli(['import', file, '--store', fresh]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toBe(`imported 8 traces into ${fresh}\n`);
    expect(readAll(fresh)).toEqual(readAll(store));
    const [a, b] = await Promise.all([
      runCli(['stats', '-g', 'user', '--json', '--store', store]),
      runCli(['stats', '-g', 'user', '--json', '--store', fresh]),
    ]);
    expect(JSON.parse(b.stdout)).toEqual(JSON.parse(a.stdout));
  });

  it('exports only the traces matching a filter, from one experiment', async () => {
    const file = path('errors.jsonl');
    const { code, stdout, stderr } = await runCli([
      'export',
      '--to',
      file,
      '--filter',
      "trace.status = 'ERROR'",
      '--store',
      store,
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toBe(`exported 1 traces to ${file} (1 matching)\n`);
    expect(idsInFile(file)).toEqual([traceIdOf(3)]);
    const bot = path('bot.jsonl');
    await runCli(['export', '--to', bot, '--experiment', 'support-bot', '--store', store]);
    expect(idsInFile(bot)).toEqual([traceIdOf(6), traceIdOf(7)]);
  });

  it('is idempotent: a re-run sends nothing, --restart rewrites the file without duplicates', async () => {
    const file = path('again.jsonl');
    await runCli(['export', '--to', file, '--store', store]);
    const again = await runCli(['export', '--to', file, '--store', store]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(
      `all 8 matching traces were exported to ${file} before; nothing to do (--restart exports them again)\n`,
    );
    const restart = await runCli(['export', '--to', file, '--restart', '--store', store]);
    expect(restart.stdout).toBe(`exported 8 traces to ${file} (8 matching)\n`);
    expect(idsInFile(file)).toHaveLength(8);
  });

  it('resumes an interrupted export from the checkpoint, dropping a line cut off mid-write', async () => {
    const file = path('resume.jsonl');
    const records = seedRecords();
    // What an export killed during its second batch leaves: batch one in the file and in the
    // checkpoint, and half a line of batch two.
    writeFileSync(
      file,
      records
        .slice(0, 3)
        .map((r) => `${JSON.stringify(r)}\n`)
        .join('') + JSON.stringify(records[3]).slice(0, 200),
    );
    appendFileSync(
      checkpointFile(),
      `${JSON.stringify({ destination: `jsonl:${file}`, at: new Date().toISOString(), traceIds: records.slice(0, 3).map((r) => r.info.traceId) })}\n`,
    );

    const { code, stdout, stderr } = await runCli(['export', '--to', file, '--store', store]);
    expect(code, stderr).toBe(0);
    expect(stderr).toBe(
      `3 of 8 traces were exported to ${file} before; continuing with the other 5 (--restart starts over)\n`,
    );
    expect(stdout).toBe(`exported 5 traces to ${file}; 3 exported before (8 matching)\n`);
    expect(idsInFile(file)).toEqual(records.map((r) => r.info.traceId));
  });

  it('does not duplicate traces already in the file when the checkpoint is gone', async () => {
    const file = path('nocheckpoint.jsonl');
    writeFileSync(
      file,
      seedRecords()
        .slice(0, 2)
        .map((r) => `${JSON.stringify(r)}\n`)
        .join(''),
    );
    const { stdout } = await runCli(['export', '--to', file, '--store', store]);
    expect(stdout).toBe(`exported 6 traces to ${file}; 2 already in the file (8 matching)\n`);
    expect(idsInFile(file)).toHaveLength(8);
  });

  it('imports MLflow trace JSON too (autolog show --json, one per line)', async () => {
    const lines = await Promise.all(
      seedRecords().map(async (r) =>
        JSON.stringify(
          JSON.parse((await runCli(['show', r.info.traceId, '--json', '--store', store])).stdout),
        ),
      ),
    );
    const file = path('mlflow.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const fresh = path('from-mlflow/traces.db');
    const { code, stdout, stderr } = await runCli(['import', file, '--store', fresh]);
    expect(code, stderr).toBe(0);
    expect(stdout).toBe(`imported 8 traces into ${fresh}\n`);
    expect(readAll(fresh)).toEqual(readAll(store));
  });

  it('reports bad lines with their line numbers, imports the rest, and exits 1', async () => {
    const [good] = seedRecords();
    const noSpans = { info: { ...good.info, traceId: traceIdOf(99) }, data: {} };
    const file = path('bad.jsonl');
    writeFileSync(
      file,
      [JSON.stringify(good), '{"info": {', '', '{"hello": "world"}', JSON.stringify(noSpans), '[1, 2]'].join(
        '\n',
      ),
    );
    const fresh = path('partial/traces.db');
    const { code, stdout, stderr } = await runCli(['import', file, '--store', fresh]);
    expect(code, stderr).toBe(1);
    expect(stdout).toBe(`imported 1 traces into ${fresh} (4 bad lines skipped)\n`);
    expect(stderr.split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${file}:2: not JSON \\(`)),
      `${file}:4: not a trace: expected {"info": …, "data": {"spans": […]}}`,
      `${file}:5: data.spans is not an array`,
      `${file}:6: not a trace: expected {"info": …, "data": {"spans": […]}}`,
      `error: 4 line(s) of ${file} were not traces and were skipped (see above)`,
      '',
    ]);
  });

  it('reads standard input and puts every trace in the experiment asked for', async () => {
    const input = seedRecords()
      .slice(0, 2)
      .map((r) => JSON.stringify(r))
      .join('\n');
    const fresh = path('stdin/traces.db');
    const { code, stderr } = await runCli(['import', '-', '--store', fresh, '--experiment', 'imported'], {
      input,
    });
    expect(code, stderr).toBe(0);
    const search = await runCli(['search', '--json', '--experiment', 'imported', '--store', fresh]);
    expect(JSON.parse(search.stdout).traces).toHaveLength(2);
  });

  it('says so when the file does not exist, and rejects an unknown destination as a usage error', async () => {
    const missing = await runCli(['import', path('nope.jsonl'), '--store', path('x/traces.db')]);
    expect(missing.code, missing.stderr).toBe(1);
    expect(missing.stderr).toBe(`error: no such file: ${path('nope.jsonl')}\n`);
    const unknown = await runCli(['export', '--to', 'ftp://example.com', '--store', store]);
    expect(unknown.code, unknown.stderr).toBe(2);
    expect(unknown.stderr).toContain(
      'error: unknown destination "ftp://example.com"; expected http(s)://host[:port] (MLflow)',
    );
    const none = await runCli(['export', '--store', store]);
    expect(none.code, none.stderr).toBe(2);
    expect(none.stderr).toContain("error: required option '-t, --to <destination>' not specified");
  });
});
