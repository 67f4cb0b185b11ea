import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli.js';
import { seedStore, traceIdOf } from './helpers/seed.js';

let dir: string;
let store: string;
const cli = (...args: string[]) => runCli([...args, '--store', store]);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'autolog-cli-read-'));
  store = join(dir, 'traces.db');
  seedStore(store);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rowsOf = (table: string) => table.trim().split('\n').slice(1);

describe('autolog search', () => {
  it('prints a table of every experiment, newest first, with user, session, state, duration, tokens and cost', async () => {
    const { code, stdout, stderr } = await cli('search');
    expect(code, stderr).toBe(0);
    expect(stderr).toBe('');
    const [header, ...rows] = stdout.trim().split('\n');
    expect(header.split(/\s{2,}/)).toEqual([
      'TIME',
      'TRACE ID',
      'NAME',
      'USER',
      'SESSION',
      'STATE',
      'DURATION',
      'TOKENS',
      'COST',
    ]);
    expect(rows).toHaveLength(8);
    expect(rows[0].split(/\s{2,}/)).toEqual([
      '2025-12-12 10:07:00Z',
      traceIdOf(7),
      'chat-turn',
      'dave',
      's-4',
      'OK',
      '2.60s',
      '500',
      '$0.000165',
    ]);
    expect(rows[4]).toMatch(
      new RegExp(`${traceIdOf(3)}\\s+chat-turn\\s+bob\\s+s-2\\s+ERROR\\s+4\\.10s\\s+210\\s+\\$0\\.000031`),
    );
  });

  it('filters, orders and limits, and prints the next page token to stderr', async () => {
    const first = await cli(
      'search',
      '--filter',
      "metadata.app_version = '1.1.0'",
      '--order-by',
      'execution_time_ms DESC',
      '--limit',
      '2',
    );
    expect(first.code, first.stderr).toBe(0);
    expect(rowsOf(first.stdout).map((r) => r.split(/\s{2,}/)[1])).toEqual([traceIdOf(3), traceIdOf(6)]);
    const token = /--page-token (\S+)/.exec(first.stderr)?.[1];
    expect(token).toBeTruthy();
    const second = await cli(
      'search',
      '--filter',
      "metadata.app_version = '1.1.0'",
      '--order-by',
      'execution_time_ms DESC',
      '--limit',
      '2',
      '--page-token',
      token as string,
    );
    expect(rowsOf(second.stdout).map((r) => r.split(/\s{2,}/)[1])).toEqual([traceIdOf(7), traceIdOf(5)]);
  });

  it('prints MLflow trace infos as JSON with next_page_token', async () => {
    const { code, stdout, stderr } = await cli(
      'search',
      '--json',
      '--filter',
      "metadata.`mlflow.trace.user` = 'alice'",
      '--order-by',
      'timestamp_ms ASC',
      '--limit',
      '1',
    );
    expect(code, stderr).toBe(0);
    const body = JSON.parse(stdout);
    expect(body.traces).toHaveLength(1);
    expect(body.traces[0]).toMatchObject({
      trace_id: traceIdOf(0),
      state: 'OK',
      request_time: '2025-12-12T10:00:00.000Z',
      execution_duration: '1.2s',
      trace_metadata: { 'mlflow.trace.user': 'alice', 'mlflow.trace.session': 's-1', app_version: '1.0.0' },
      tags: { 'mlflow.traceName': 'chat-turn' },
    });
    expect(typeof body.next_page_token).toBe('string');
  });

  it('searches one experiment by name', async () => {
    const { stdout } = await cli('search', '--experiment', 'support-bot', '--json');
    expect(JSON.parse(stdout).traces.map((t: { trace_id: string }) => t.trace_id)).toEqual([
      traceIdOf(7),
      traceIdOf(6),
    ]);
  });

  it('finds traces by feedback', async () => {
    const { stdout } = await cli('search', '--json', '--filter', 'feedback.thumbs_up IS NOT NULL');
    expect(JSON.parse(stdout).traces.map((t: { trace_id: string }) => t.trace_id)).toEqual([traceIdOf(5)]);
  });

  it('rejects a bad filter with exit code 2 and the position of the bad token', async () => {
    const { code, stdout, stderr } = await cli(
      'search',
      '--filter',
      "trace.status = 'OK' OR trace.name = 'x'",
    );
    expect(code, stderr).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain("error: Invalid filter at position 20: 'OR' is not supported");
    expect(stderr).toContain(`  trace.status = 'OK' OR trace.name = 'x'\n                      ^^\n`);
  });

  it('rejects a bad order-by term and an unknown experiment', async () => {
    const order = await cli('search', '--order-by', 'tokens DESC');
    expect(order.code, order.stderr).toBe(2);
    expect(order.stderr).toMatch(/Invalid orderBy term 'tokens DESC' at position 0/);
    const experiment = await cli('search', '--experiment', 'nope');
    expect(experiment.code, experiment.stderr).toBe(1);
    expect(experiment.stderr).toContain('no experiment "nope"');
  });

  it('rejects --limit outside 1–500 as a usage error', async () => {
    const { code, stderr } = await cli('search', '--limit', '0');
    expect(code, stderr).toBe(2);
    expect(stderr).toContain(
      "option '-n, --limit <n>' argument '0' is invalid. expected an integer from 1 to 500.",
    );
  });
});

describe('autolog show', () => {
  it('prints the span tree with durations, status, model, tokens, cost and assessments', async () => {
    const { code, stdout, stderr } = await cli('show', traceIdOf(5));
    expect(code, stderr).toBe(0);
    expect(stdout).toBe(
      [
        `${traceIdOf(5)}  chat-turn  OK  1.50s  tokens 140→70 (210)  $0.000063`,
        '2025-12-12 10:05:00Z  experiment 0  user carol  session s-3',
        'assessment thumbs_up = true (feedback, HUMAN carol)',
        'assessment expected_answer = "Yes, until it ships." (expectation, HUMAN support)',
        '',
        '└─ chat-turn  [CHAIN]  1.50s  OK',
        '   ├─ retrieve  [RETRIEVER]  100.0ms  OK',
        '   └─ gpt-4o-mini  [CHAT_MODEL]  1.38s  OK  gpt-4o-mini  tokens 140→70 (210)  $0.000063',
        '',
      ].join('\n'),
    );
  });

  it('shows where a trace failed', async () => {
    const { stdout } = await cli('show', traceIdOf(3).slice(3));
    expect(stdout).toContain(`${traceIdOf(3)}  chat-turn  ERROR  4.10s`);
    expect(stdout).toContain(
      '└─ gpt-4o-mini  [CHAT_MODEL]  3.98s  ERROR RateLimitError: 429 Too Many Requests',
    );
  });

  it("prints the trace in MLflow's JSON form", async () => {
    const { code, stdout, stderr } = await cli('show', traceIdOf(0), '--json');
    expect(code, stderr).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.info).toMatchObject({
      trace_id: traceIdOf(0),
      state: 'OK',
      trace_location: { mlflow_experiment: { experiment_id: '0' } },
    });
    expect(json.data.spans).toHaveLength(3);
    const llm = json.data.spans.find((s: { name: string }) => s.name === 'gpt-4o-mini');
    expect(JSON.parse(llm.attributes['mlflow.chat.tokenUsage'])).toEqual({
      input_tokens: 120,
      output_tokens: 45,
      total_tokens: 165,
    });
    expect(llm.status.code).toBe('STATUS_CODE_OK');
  });

  it('exits 1 for an unknown trace', async () => {
    const { code, stderr } = await cli('show', 'tr-00000000000000000000000000000000');
    expect(code, stderr).toBe(1);
    expect(stderr).toContain('error: no trace tr-00000000000000000000000000000000 in the trace store at');
  });
});

describe('autolog stats', () => {
  it('prints count, users, sessions, error rate, latency, tokens and cost per group', async () => {
    const { code, stdout, stderr } = await cli('stats', '--group-by', 'metadata.app_version');
    expect(code, stderr).toBe(0);
    const [header, ...rows] = stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/\s{2,}/));
    expect(header).toEqual([
      'METADATA.APP_VERSION',
      'COUNT',
      'USERS',
      'SESSIONS',
      'ERRORS',
      'MEAN',
      'P50',
      'P95',
      'TOKENS',
      'COST',
    ]);
    expect(rows).toEqual([
      ['1.0.0', '3', '2', '2', '0.0%', '1.48s', '1.20s', '2.19s', '645', '$0.000211'],
      ['1.1.0', '5', '3', '3', '20.0%', '2.40s', '2.60s', '3.88s', '1,580', '$0.000431'],
    ]);
  });

  it('groups by a short key and a time bucket, filtered, as JSON', async () => {
    const { code, stdout, stderr } = await cli(
      'stats',
      '--group-by',
      'user',
      '--interval',
      'day',
      '--filter',
      "trace.status = 'OK'",
      '--json',
    );
    expect(code, stderr).toBe(0);
    const stats = JSON.parse(stdout);
    expect(stats.map((s: { group: Record<string, string> }) => s.group)).toEqual([
      { 'metadata.`mlflow.trace.user`': 'alice', time: '2025-12-12' },
      { 'metadata.`mlflow.trace.user`': 'bob', time: '2025-12-12' },
      { 'metadata.`mlflow.trace.user`': 'carol', time: '2025-12-12' },
      { 'metadata.`mlflow.trace.user`': 'dave', time: '2025-12-12' },
    ]);
    expect(stats[1]).toMatchObject({ count: 1, errors: 0, tokens: { total: 240 } });
  });

  it('rejects a key it cannot group by, and an unknown interval, with exit code 2', async () => {
    const key = await cli('stats', '--group-by', 'span.name');
    expect(key.code, key.stderr).toBe(2);
    expect(key.stderr).toContain('cannot group by span.name');
    const interval = await cli('stats', '--interval', 'week');
    expect(interval.code, interval.stderr).toBe(2);
    expect(interval.stderr).toContain("argument 'week' is invalid. Allowed choices are hour, day.");
  });
});

describe('a missing store', () => {
  it.each([['search'], ['show', traceIdOf(0)], ['stats'], ['export', '--to', 'out.jsonl'], ['ui']])(
    'makes `autolog %s` say how to get one, exit code 1',
    async (...args) => {
      const missing = join(dir, 'nowhere', 'traces.db');
      const { code, stdout, stderr } = await runCli([...args, '--store', missing]);
      expect(code, stderr).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toBe(
        `error: no trace store at ${missing} — run your app with Autolog first, or pass --store\n`,
      );
    },
  );

  it('is looked for at AUTOLOG_STORE, then ./.autolog/traces.db', async () => {
    const fromEnv = await runCli(['search', '--json', '--limit', '1'], { env: { AUTOLOG_STORE: store } });
    expect(JSON.parse(fromEnv.stdout).traces).toHaveLength(1);
    const fromCwd = await runCli(['search'], { cwd: dir });
    expect(fromCwd.stderr).toContain(`no trace store at ${join(dir, '.autolog', 'traces.db')}`);
  });
});
