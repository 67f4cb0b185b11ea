import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  getAssessment,
  getErrorGroups,
  getSessionTimeline,
  getTrace,
  getTraceStats,
  init,
  logExpectation,
  logFeedback,
  MemoryDestination,
  searchTraces,
  setTraceTag,
  shutdown,
  Trace,
  TracingClient,
  trace,
  tracesToRows,
  updateCurrentTrace,
} from '../../src/index.js';
import { tempDir } from '../store/fixtures.js';

/** Seed 002's app: user and session as metadata, app version and environment too. */
const myApp = trace(
  async function myApp(userId: string, sessionId: string, message: string) {
    updateCurrentTrace({
      metadata: {
        'mlflow.trace.user': userId,
        'mlflow.trace.session': sessionId,
        'mlflow.source.type': 'staging',
        app_version: process.env.TEST_APP_VERSION ?? '1.0.0',
      },
      tags: { query_category: 'chat' },
    });
    if (message === 'boom') throw new RangeError('model overloaded');
    return `answer to ${message}`;
  },
  { spanType: 'CHAIN' },
);

describe.each([
  ['the local store', (dir: string) => `sqlite:///${join(dir, 'traces.db')}`],
  ['the memory destination', () => new MemoryDestination()],
])('the public search, annotate and analyse API on %s', (_name, destination) => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(async () => {
    tmp = tempDir();
    init({ destination: destination(tmp.dir), silent: true });
    process.env.TEST_APP_VERSION = '1.0.0';
    for (const session of ['session-abc-0', 'session-abc-1']) {
      await myApp('user-123', session, 'What is MLflow?');
      await myApp('user-123', session, 'What is ML vs. AI?');
    }
    process.env.TEST_APP_VERSION = '1.1.0';
    await myApp('user-456', 'session-def-0', 'What is MLflow?');
    await myApp('user-456', 'session-def-0', 'boom').catch(() => {});
  });
  afterEach(async () => {
    delete process.env.TEST_APP_VERSION;
    await shutdown();
    tmp.cleanup();
  });

  it("finds a user's recent traces, newest first, as Trace objects with spans", async () => {
    const { traces, nextPageToken } = await searchTraces({
      filterString: "metadata.mlflow.trace.user = 'user-123'",
      orderBy: ['timestamp DESC'],
      maxResults: 3,
    });
    expect(traces).toHaveLength(3);
    expect(traces[0]).toBeInstanceOf(Trace);
    expect(traces.map((t) => t.info.traceMetadata['mlflow.trace.session'])).toEqual([
      'session-abc-1',
      'session-abc-1',
      'session-abc-0',
    ]);
    expect(traces[0].rootSpan?.outputs).toBe('answer to What is ML vs. AI?');
    expect(nextPageToken).toBeDefined();
    const rest = await searchTraces({
      filterString: "metadata.mlflow.trace.user = 'user-123'",
      orderBy: ['timestamp DESC'],
      maxResults: 3,
      pageToken: nextPageToken,
    });
    expect(rest.traces).toHaveLength(1);
    expect(rest.nextPageToken).toBeUndefined();
  });

  it('records feedback and an expectation that come back in getTrace and searchTraces and filter as values', async () => {
    const [latest] = (
      await searchTraces({ filterString: "metadata.`mlflow.trace.session` = 'session-abc-1'", maxResults: 1 })
    ).traces;
    const traceId = latest.info.traceId;
    const thumbs = await logFeedback({
      traceId,
      name: 'user_satisfaction',
      value: true,
      source: { sourceType: 'HUMAN', sourceId: 'scott' },
    });
    await logFeedback({
      traceId,
      name: 'relevance',
      value: 0.9,
      source: { sourceType: 'HUMAN', sourceId: 'scott' },
      rationale: 'High accuracy',
    });
    await logExpectation({
      traceId,
      name: 'expected_behavior',
      value: { should_escalate: true, tone: 'professional_friendly' },
    });
    await setTraceTag(traceId, 'reviewed', 'yes');
    expect((await getTrace(traceId))?.info.assessments.map((a) => a.name)).toEqual([
      'user_satisfaction',
      'relevance',
      'expected_behavior',
    ]);
    expect(await getAssessment(traceId, thumbs.assessmentId)).toEqual(thumbs);
    const found = await searchTraces({
      filterString:
        "feedback.user_satisfaction = 'true' AND feedback.relevance > 0.5 AND tags.reviewed = 'yes'",
    });
    expect(found.traces.map((t) => t.info.traceId)).toEqual([traceId]);
    expect(found.traces[0].info.assessments).toHaveLength(3);
  });

  it('turns traces into rows with the columns of MLflow search_traces', async () => {
    const { traces } = await searchTraces({
      filterString: "metadata.`mlflow.trace.user` = 'user-456'",
      orderBy: ['timestamp_ms ASC'],
    });
    const rows = tracesToRows(traces);
    expect(Object.keys(rows[0]).sort()).toEqual(
      [
        'assessments',
        'client_request_id',
        'execution_duration',
        'request',
        'request_time',
        'response',
        'spans',
        'state',
        'tags',
        'trace_id',
        'trace_metadata',
      ].sort(),
    );
    expect(rows.map((r) => [r.state, r.request, r.response])).toEqual([
      [
        'OK',
        { userId: 'user-456', sessionId: 'session-def-0', message: 'What is MLflow?' },
        'answer to What is MLflow?',
      ],
      ['ERROR', { userId: 'user-456', sessionId: 'session-def-0', message: 'boom' }, null],
    ]);
    expect(rows[0].trace_metadata.app_version).toBe('1.1.0');
    expect(rows[0].tags.query_category).toBe('chat');
  });

  it('answers the seed notebooks: per-version stats, a session timeline and grouped errors', async () => {
    const perVersion = await getTraceStats({ groupBy: 'metadata.app_version' });
    expect(
      perVersion.map((s) => [s.group['metadata.app_version'], s.count, s.users, s.sessions, s.errors]),
    ).toEqual([
      ['1.0.0', 4, 1, 2, 0],
      ['1.1.0', 2, 1, 1, 1],
    ]);
    const timeline = await getSessionTimeline('session-abc-0');
    expect(timeline.turns.map((t) => [t.turn, t.status, t.response])).toEqual([
      [1, 'OK', 'answer to What is MLflow?'],
      [2, 'OK', 'answer to What is ML vs. AI?'],
    ]);
    const errors = await getErrorGroups();
    expect(errors.map((g) => [g.errorType, g.message, g.traces])).toEqual([
      ['RangeError', 'model overloaded', 1],
    ]);
  });

  it('rejects a bad filter with INVALID_FILTER naming the token and position', async () => {
    await expect(
      searchTraces({ filterString: "metadata.user = 'a' OR metadata.user = 'b'" }),
    ).rejects.toMatchObject({
      code: 'INVALID_FILTER',
      message:
        "Invalid filter at position 20: 'OR' is not supported; join conditions with AND (or run one search per alternative).",
    });
  });

  it('works the same on a TracingClient bound to a store', async () => {
    const client = new TracingClient();
    const page = await client.searchTraces({ filterString: "trace.status = 'ERROR'" });
    expect(page.traces).toHaveLength(1);
    const spans = await client.getSlowestSpans(page.traces[0].info.traceId);
    expect(spans.map((s) => s.name)).toEqual(['myApp']);
  });
});
