import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTraceStats, init, searchTraces } from '@autolog/core';
import { autolog, disable } from '@autolog/openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sessionReport, userReport, versionReport } from '../src/report.js';
import { simulate } from '../src/simulate.js';

beforeAll(async () => {
  delete process.env.OPENAI_API_KEY;
  init({
    silent: true,
    destination: join(mkdtempSync(join(tmpdir(), 'chat-app-')), 'traces.db'),
    experimentName: 'chat-app',
  });
  await autolog();
  await simulate();
});
afterAll(() => disable());

it('records user, session, version and environment on each request trace, with the model call under it', async () => {
  const { traces } = await searchTraces({
    filterString: "metadata.`mlflow.trace.session` = 'session-abc-1'",
    orderBy: ['timestamp_ms ASC'],
  });
  expect(traces).toHaveLength(2);
  for (const t of traces) {
    expect(t.info.traceMetadata).toMatchObject({
      'mlflow.trace.user': 'user-123',
      app_version: '1.0.0',
      'mlflow.source.type': 'staging',
      deployment_id: 'deployment-123',
    });
    expect(t.data.spans.map((s) => s.spanType).sort()).toEqual(['CHAIN', 'CHAT_MODEL']);
    expect(t.info.tokenUsage?.total_tokens).toBeGreaterThan(0);
  }
  // The second turn sends the first turn's messages as history.
  const secondCall = traces[1].data.spans.find((s) => s.spanType === 'CHAT_MODEL')!;
  expect((secondCall.inputs as { messages: unknown[] }).messages).toHaveLength(4);
});

it('prints the user, session and version reports of the seed notebook', async () => {
  const user = await userReport('user-123');
  expect(user).toContain('User user-123: 4 interactions in 2 sessions');
  expect(user).toContain('question=4');
  const session = await sessionReport('session-abc-0');
  expect(session).toContain('Session session-abc-0: 2 turns, users user-123');
  expect(session).toContain('user: What is ML vs. AI?');
  const versions = await versionReport();
  expect(versions).toMatch(/1\.0\.0 {2}staging {2}4 {2}1 {2}2/);
  expect(versions).toMatch(/1\.1\.0 {2}staging {2}2 {2}1 {2}2/);
  const stats = await getTraceStats({ groupBy: 'metadata.app_version' });
  expect(stats.map((s) => s.count).sort()).toEqual([2, 4]);
});
