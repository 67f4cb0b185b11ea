import { flushTraces, LocalStore, TracingClient } from '@autolog/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewer, type Viewer } from '../src/index.js';
import type { StatsResponse, TraceListPage, TraceResponse, WireSessionTimeline } from '../src/wire-types.js';
import { seedSupportStore, TURNS, writeTurn } from './fixtures/support-traces.js';
import { pageToken, raw, recordingLogger, tempStorePath, writeHeaders } from './helpers.js';

const store = tempStorePath();
let viewer: Viewer;
let traceIds: string[];
let token: string;

const api = async <T>(path: string): Promise<{ status: number; body: T }> => {
  const res = await raw(`${viewer.url}api/${path}`);
  return { status: res.status, body: res.json<T>() };
};

beforeAll(async () => {
  ({ traceIds } = await seedSupportStore(store.path));
  viewer = await startViewer({
    storePath: store.path,
    reviewer: 'tester',
    pollIntervalMs: 100,
    logger: recordingLogger(),
  });
  token = await pageToken(viewer.url);
});

afterAll(async () => {
  await viewer?.close();
  store.cleanup();
});

describe('trace list API', () => {
  it('lists traces newest first with name, user, session, state, duration, tokens and cost', async () => {
    const { status, body } = await api<TraceListPage>('traces');
    expect(status).toBe(200);
    expect(body.traces).toHaveLength(TURNS.length);
    const times = body.traces.map((t) => t.requestTime);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const first = body.traces.find((t) => t.traceId === traceIds[0])!;
    expect(first).toMatchObject({
      name: 'support_chat',
      user: 'alice',
      session: 's-alice-1',
      state: 'OK',
      assessmentCount: 2,
    });
    expect(first.durationMs).toBeGreaterThan(1000);
    expect(first.tokens?.total_tokens).toBe(180 + 20 + 260 + 40);
    expect(first.costUsd).toBeGreaterThan(0);
    const failed = body.traces.find((t) => t.traceId === traceIds[4])!;
    expect(failed.state).toBe('ERROR');
  });

  it('pages through the list with keyset page tokens and no overlap', async () => {
    const seen: string[] = [];
    let pageToken: string | null = null;
    do {
      const res: { body: TraceListPage } = await api<TraceListPage>(
        `traces?pageSize=3${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`,
      );
      seen.push(...res.body.traces.map((t) => t.traceId));
      pageToken = res.body.nextPageToken;
    } while (pageToken);
    expect(seen).toHaveLength(TURNS.length);
    expect(new Set(seen).size).toBe(TURNS.length);
  });

  it('filters with the filter language', async () => {
    const q = encodeURIComponent("metadata.`mlflow.trace.user` = 'bob' AND trace.status = 'ERROR'");
    const { body } = await api<TraceListPage>(`traces?q=${q}`);
    expect(body.traces.map((t) => t.traceId)).toEqual([traceIds[4]]);
  });

  it('rejects a bad filter with the position and text of the offending token', async () => {
    const q = "trace.status = 'OK' OR trace.name = 'x'";
    const { status, body } = await api<{
      error: { code: string; message: string; position: number; token: string };
    }>(`traces?q=${encodeURIComponent(q)}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('INVALID_FILTER');
    expect(body.error.position).toBe(q.indexOf('OR'));
    expect(body.error.token).toBe('OR');
    expect(body.error.message).toMatch(/position 20/);
  });

  it('rejects a page size out of range', async () => {
    const { status, body } = await api<{ error: { code: string } }>('traces?pageSize=5000');
    expect(status).toBe(400);
    expect(body.error.code).toBe('INVALID_ARGUMENT');
  });
});

describe('trace API', () => {
  it('returns a whole trace with its spans, events and attributes', async () => {
    const { status, body } = await api<TraceResponse>(`traces/${traceIds[4]}`);
    expect(status).toBe(200);
    expect(body.info.state).toBe('ERROR');
    const tool = body.spans.find((s) => s.spanType === 'TOOL')!;
    expect(tool.status.code).toBe('ERROR');
    expect(tool.events[0].attributes['exception.type']).toBe('OrderServiceTimeout');
    expect(String(tool.events[0].attributes['exception.stacktrace'])).toContain('Order service timed out');
    const model = body.spans.find((s) => s.spanType === 'CHAT_MODEL')!;
    expect(model.attributes['mlflow.chat.tokenUsage']).toMatchObject({ input_tokens: 184 });
  });

  it("gives a trace's cost: the sum over its priced model calls, as in the list", async () => {
    const { body } = await api<TraceResponse>(`traces/${traceIds[0]}`);
    const priced = body.spans
      .map((s) => (s.attributes['mlflow.llm.cost'] as { total_cost?: number } | undefined)?.total_cost)
      .filter((c): c is number => c !== undefined);
    expect(priced.length).toBeGreaterThan(1);
    expect(body.costUsd).toBeCloseTo(
      priced.reduce((a, b) => a + b, 0),
      12,
    );
    const list = await api<TraceListPage>('traces');
    expect(list.body.traces.find((t) => t.traceId === traceIds[0])?.costUsd).toBe(body.costUsd);
  });

  it('answers 404 with a JSON error for an unknown trace', async () => {
    const { status, body } = await api<{ error: { code: string } }>(
      'traces/tr-00000000000000000000000000000000',
    );
    expect(status).toBe(404);
    expect(body.error.code).toBe('TRACE_NOT_FOUND');
  });
});

describe('feedback API', () => {
  it('stores thumbs and a score with rationale through logFeedback with a HUMAN source', async () => {
    const post = (body: unknown) =>
      raw(`${viewer.url}api/traces/${traceIds[1]}/feedback`, {
        method: 'POST',
        headers: writeHeaders(viewer.url, token),
        body: JSON.stringify(body),
      });
    const thumbs = await post({
      name: 'user_satisfaction',
      value: false,
      rationale: 'Did not answer the question.',
    });
    const score = await post({ name: 'relevance', value: 0.4 });
    expect(thumbs.status).toBe(201);
    expect(score.status).toBe(201);
    const thumbsDown = await api<TraceListPage>(
      `traces?q=${encodeURIComponent("feedback.user_satisfaction = 'false'")}`,
    );
    expect(thumbsDown.body.traces.map((t) => t.traceId)).toEqual([traceIds[1]]);
    const check = new LocalStore({ path: store.path });
    try {
      const saved = check.getTrace(traceIds[1])!.info.assessments;
      expect(saved).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: 'feedback',
            name: 'user_satisfaction',
            value: false,
            rationale: 'Did not answer the question.',
            source: { sourceType: 'HUMAN', sourceId: 'tester' },
          }),
          expect.objectContaining({
            kind: 'feedback',
            name: 'relevance',
            value: 0.4,
            source: { sourceType: 'HUMAN', sourceId: 'tester' },
          }),
        ]),
      );
    } finally {
      check.close();
    }
  });

  it('stores an expectation with any JSON value', async () => {
    const res = await raw(`${viewer.url}api/traces/${traceIds[2]}/expectations`, {
      method: 'POST',
      headers: writeHeaders(viewer.url, token),
      body: JSON.stringify({ name: 'expected_facts', value: ['invoice', 'email'] }),
    });
    expect(res.status).toBe(201);
    const check = new LocalStore({ path: store.path });
    try {
      const saved = await new TracingClient({ store: check }).getAssessment(
        traceIds[2],
        res.json().assessment.assessmentId,
      );
      expect(saved).toMatchObject({
        kind: 'expectation',
        value: ['invoice', 'email'],
        source: { sourceType: 'HUMAN', sourceId: 'tester' },
      });
    } finally {
      check.close();
    }
  });

  it('rejects feedback without a usable value', async () => {
    const res = await raw(`${viewer.url}api/traces/${traceIds[1]}/feedback`, {
      method: 'POST',
      headers: writeHeaders(viewer.url, token),
      body: JSON.stringify({ name: 'x', value: { nested: true } }),
    });
    expect(res.status).toBe(400);
    expect(res.json().error.code).toBe('INVALID_ARGUMENT');
  });

  it('answers 404 for feedback on an unknown trace', async () => {
    const res = await raw(`${viewer.url}api/traces/tr-ffffffffffffffffffffffffffffffff/feedback`, {
      method: 'POST',
      headers: writeHeaders(viewer.url, token),
      body: JSON.stringify({ name: 'x', value: true }),
    });
    expect(res.status).toBe(404);
  });
});

describe('sessions and analytics API', () => {
  it('lists sessions most recently active first with their users and turn counts', async () => {
    const { body } = await api<{
      sessions: Array<{ sessionId: string; users: string[]; turns: number; errors: number }>;
    }>('sessions');
    expect(body.sessions.map((s) => s.sessionId)).toEqual(['s-alice-1', 's-bob-1', 's-alice-2', 's-carol-1']);
    expect(body.sessions[1]).toMatchObject({ users: ['bob'], turns: 2, errors: 1 });
  });

  it('lists only sessions with a trace matching the filter, counting all their turns', async () => {
    const q = encodeURIComponent("trace.status = 'ERROR'");
    const { body } = await api<{ sessions: Array<{ sessionId: string; turns: number; errors: number }> }>(
      `sessions?q=${q}`,
    );
    expect(body.sessions).toEqual([expect.objectContaining({ sessionId: 's-bob-1', turns: 2, errors: 1 })]);
  });

  it("returns a session's turns oldest first with request and response", async () => {
    const { body } = await api<WireSessionTimeline>('sessions/s-alice-1');
    expect(body.turns.map((t) => t.traceId)).toEqual(traceIds.slice(0, 3));
    expect(body.turns[0].request).toEqual({ messages: [{ role: 'user', content: TURNS[0].question }] });
    expect(body.users).toEqual(['alice']);
  });

  it('computes traffic, errors and latency per app version and per day', async () => {
    const { body } = await api<StatsResponse>(
      `stats?groupBy=${encodeURIComponent('metadata.app_version')}&interval=day`,
    );
    const byVersion = Object.fromEntries(body.totals.map((s) => [s.group['metadata.app_version'], s]));
    expect(byVersion['1.0.0'].count).toBe(1);
    expect(byVersion['1.1.0']).toMatchObject({ count: 7, errors: 1 });
    expect(byVersion['1.1.0'].latencyMs.p95).toBeGreaterThan(byVersion['1.1.0'].latencyMs.p50);
    expect(body.series.every((s) => typeof s.group.time === 'string')).toBe(true);
    expect(body.series.reduce((n, s) => n + s.count, 0)).toBe(TURNS.length);
  });

  it('rejects a field that cannot be grouped by', async () => {
    const { status, body } = await api<{ error: { code: string; message: string } }>(
      `stats?groupBy=${encodeURIComponent('span.name')}`,
    );
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/cannot group by/);
  });
});

describe('live updates', () => {
  it('pushes a change event when another connection writes a trace', async () => {
    const controller = new AbortController();
    const res = await fetch(`${viewer.url}api/events`, { signal: controller.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const read = async (until: RegExp) => {
      while (!until.test(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
    };
    await read(/event: hello/);
    writeTurn(new TracingClient(), { ...TURNS[0], session: 's-live' }, Date.now(), 99);
    await flushTraces();
    await read(/event: change/);
    controller.abort();
    expect(text).toMatch(/event: change\ndata: \{"changes":1\}/);
  });
});

describe('experiments', () => {
  it('lists the experiments, defaults to the newest one and filters by ?exp=', async () => {
    const writer = new LocalStore({ path: store.path });
    const other = writer.getOrCreateExperiment('support-bot-v2');
    const client = new TracingClient({ store: writer });
    const { traces } = await client.searchTraces({ maxResults: 1 });
    const record = {
      info: {
        ...traces[0].info,
        traceId: 'tr-0123456789abcdef0123456789abcdef',
        experimentId: other,
        requestTime: Date.now() + 60_000,
      },
      data: traces[0].data,
    };
    writer.export([record]);
    writer.close();
    const config = await api<{
      experiments: Array<{ experimentId: string; name: string }>;
      defaultExperimentIds: string[];
    }>('config');
    expect(config.body.experiments.map((e) => e.name)).toEqual(['Default', 'support-bot-v2']);
    expect(config.body.defaultExperimentIds).toEqual([other]);
    const onlyOther = await api<TraceListPage>(`traces?exp=${other}`);
    expect(onlyOther.body.traces.map((t) => t.traceId)).toEqual([record.info.traceId]);
    const both = await api<TraceListPage>(`traces?exp=0,${other}&pageSize=200`);
    expect(both.body.traces[0].traceId).toBe(record.info.traceId);
    expect(both.body.traces.length).toBeGreaterThan(TURNS.length);

    const fixed = await startViewer({ storePath: store.path, experimentId: '0', logger: recordingLogger() });
    try {
      const res = await raw(`${fixed.url}api/traces?exp=${other}&pageSize=200`);
      expect(res.json<TraceListPage>().traces.every((t) => t.experimentId === '0')).toBe(true);
      expect((await raw(`${fixed.url}api/config`)).json().fixedExperiment).toBe('0');
    } finally {
      await fixed.close();
    }
  });
});
