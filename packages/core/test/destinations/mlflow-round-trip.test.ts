import { type MlflowServer, startMlflowServer } from '@autolog/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  flushTraces,
  getTrace,
  init,
  logExpectation,
  logFeedback,
  MemoryDestination,
  MlflowDestination,
  searchTraces,
  setTraceTag,
  type TraceRecord,
  trace,
  tracingContext,
  withSpan,
} from '../../src/index.js';
import { statsOf, tmpSpool } from './helpers.js';

let server: MlflowServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Traces one small chat turn for user u-1 / session s-1 and returns its trace id. */
async function chatTurn(question = 'What is MLflow?'): Promise<string> {
  let id = '';
  const answer = trace(
    async (q: string) => {
      withSpan(
        (s) => {
          id = s.traceId;
          s.setAttribute('mlflow.chat.tokenUsage', { input_tokens: 12, output_tokens: 5, total_tokens: 17 });
          s.addEvent('first_token', { ms: 12 });
          return `echo ${q}`;
        },
        {
          name: 'llm',
          spanType: 'CHAT_MODEL',
          inputs: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }] },
        },
      );
      return 'An open source platform';
    },
    { name: 'answer', spanType: 'CHAIN' },
  );
  await tracingContext(
    { metadata: { 'mlflow.trace.user': 'u-1', 'mlflow.trace.session': 's-1' }, tags: { app: 'docs-bot' } },
    () => answer(question),
  );
  return id;
}

/** What must survive the trip (the server adds tags such as mlflow.artifactLocation). */
function essence(record: TraceRecord) {
  const { info, data } = record;
  return {
    info: {
      traceId: info.traceId,
      state: info.state,
      requestTime: info.requestTime,
      executionDuration: info.executionDuration,
      requestPreview: info.requestPreview,
      responsePreview: info.responsePreview,
      traceMetadata: info.traceMetadata,
      tokenUsage: info.tokenUsage,
    },
    spans: data.spans,
  };
}

for (const spansLocation of ['TRACKING_STORE', 'ARTIFACT_REPO'] as const) {
  const how =
    spansLocation === 'TRACKING_STORE' ? 'spans sent to /v1/traces' : 'spans uploaded as traces.json';
  describe(`MLflow tracking server destination (${how})`, () => {
    it('round-trips a trace: getTrace and searchTraces through the server return what was sent', async () => {
      server = await startMlflowServer({ spansLocation });
      const memory = new MemoryDestination();
      const mlflow = new MlflowDestination({ trackingUri: server.url, experimentName: 'round-trip' });
      init({ silent: true, destination: [memory, mlflow], spool: tmpSpool() });
      const id = await chatTurn();
      expect(await flushTraces(10_000)).toBe(true);
      const sent = memory.getTrace(id)!;
      const back = await mlflow.getTrace(id);
      expect(essence(back!)).toEqual(essence(sent));
      expect(back!.info.tags).toMatchObject(sent.info.tags);
      expect(back!.info.experimentId).toBe(await mlflow.experimentId());
      const page = await mlflow.searchTraces({
        filterString:
          "metadata.`mlflow.trace.user` = 'u-1' AND trace.status = 'OK' AND tags.app = 'docs-bot'",
      });
      expect(page.traces.map((t) => essence(t))).toEqual([essence(sent)]);
      expect(statsOf('mlflow')).toMatchObject({ exported: 1, sent: 1, dropped: 0, spooled: 0, pending: 0 });
      const calls = server.requests.map((r) => `${r.method} ${r.path}`);
      expect(calls).toContain('POST /api/2.0/mlflow/experiments/create');
      expect(calls).toContain('POST /api/3.0/mlflow/traces');
      if (spansLocation === 'TRACKING_STORE') {
        expect(calls).toContain('POST /v1/traces');
        expect(server.requests.find((r) => r.path === '/v1/traces')?.headers['x-mlflow-experiment-id']).toBe(
          await mlflow.experimentId(),
        );
        expect(calls.some((c) => c.includes('mlflow-artifacts'))).toBe(false);
      } else {
        expect(calls.filter((c) => c.startsWith('PUT /api/2.0/mlflow-artifacts/artifacts/'))).toEqual([
          `PUT /api/2.0/mlflow-artifacts/artifacts/1/traces/${id}/artifacts/traces.json`,
        ]);
      }
    });

    it('answers the public read and annotate calls from the server: search, tags, feedback as an assessment', async () => {
      server = await startMlflowServer({ spansLocation });
      init({ silent: true, destination: server.url, experimentName: 'annotate', spool: tmpSpool() });
      const first = await chatTurn('first question');
      const second = await chatTurn('second question');
      const found = await searchTraces({ filterString: "trace.text ILIKE '%second%'" });
      expect(found.traces.map((t) => t.info.traceId)).toEqual([second]);
      await setTraceTag(first, 'reviewed', 'yes');
      const feedback = await logFeedback({
        traceId: first,
        name: 'helpful',
        value: true,
        rationale: 'clear',
        source: { sourceType: 'HUMAN', sourceId: 'ana' },
      });
      await logExpectation({
        traceId: first,
        name: 'expected_answer',
        value: { text: 'An open source platform' },
      });
      const stored = server.state.traces.get(first)!;
      expect(stored.info.tags.reviewed).toBe('yes');
      const assessments = [...stored.assessments.values()];
      expect(assessments.map((a) => a.assessment_name).sort()).toEqual(['expected_answer', 'helpful']);
      expect(assessments.find((a) => a.assessment_name === 'helpful')).toMatchObject({
        feedback: { value: true },
        rationale: 'clear',
        source: { source_type: 'HUMAN', source_id: 'ana' },
      });
      expect(feedback.assessmentId).toBe(
        assessments.find((a) => a.assessment_name === 'helpful')!.assessment_id,
      );
      const read = await getTrace(first);
      expect(read!.info.tags.reviewed).toBe('yes');
      expect(read!.info.assessments.find((a) => a.name === 'helpful')).toMatchObject({
        kind: 'feedback',
        value: true,
      });
      const byFeedback = await searchTraces({ filterString: 'feedback.helpful IS NOT NULL' });
      expect(byFeedback.traces.map((t) => t.info.traceId)).toEqual([first]);
    });
  });
}

describe('MLflow experiments', () => {
  it('uses an existing experiment by name instead of creating another', async () => {
    server = await startMlflowServer();
    const existing = server.state.addExperiment('shared');
    const mlflow = new MlflowDestination({ trackingUri: server.url, experimentName: 'shared' });
    init({ silent: true, destination: mlflow, spool: tmpSpool() });
    const id = await chatTurn();
    await flushTraces(10_000);
    expect(server.state.traces.get(id)?.info.trace_location.mlflow_experiment.experiment_id).toBe(
      existing.experiment_id,
    );
    expect(server.requests.some((r) => r.path.endsWith('/experiments/create'))).toBe(false);
  });

  it('refuses traces for an experiment id that does not exist, once, with the reason, without retrying', async () => {
    server = await startMlflowServer();
    const mlflow = new MlflowDestination({ trackingUri: server.url, experimentId: '42' });
    init({ silent: true, destination: mlflow, spool: tmpSpool() });
    await chatTurn();
    await flushTraces(10_000);
    expect(statsOf('mlflow')).toMatchObject({ exported: 0, dropped: 1, retried: 0, spooled: 0 });
    expect(statsOf('mlflow').lastError).toContain('experiment id 42 does not exist');
    expect(server.requests.filter((r) => r.path.endsWith('/experiments/get'))).toHaveLength(1);
  });
});
