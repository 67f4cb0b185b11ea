import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autolog, flushTraces, init, searchTraces } from '@autolog/core';
import { disable as disableLangChain } from '@autolog/langchain';
import { disable as disableOpenAI } from '@autolog/openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chatModel } from '../src/model.js';
import { monitoringReport } from '../src/monitor.js';
import { Orchestrator } from '../src/orchestrator.js';
import { runWorkload } from '../src/workload.js';

let close: () => Promise<void>;
beforeAll(async () => {
  delete process.env.OPENAI_API_KEY;
  init({ silent: true, destination: join(mkdtempSync(join(tmpdir(), 'orchestrator-')), 'traces.db') });
  const result = await autolog({ integrations: ['langchain', 'openai'], silent: true });
  expect(result.enabled.map((e) => e.name).sort()).toEqual(['langchain', 'openai']);
  const env = await chatModel();
  close = env.close;
  expect(await runWorkload(new Orchestrator(env.model))).toEqual({ ok: 6, failed: 0 });
  await flushTraces();
});
afterAll(async () => {
  disableLangChain();
  disableOpenAI();
  await close();
});

it('records the orchestrator as AGENT with MEMORY, CLASSIFIER, domain agents, their tools and model calls, and the tag schema', async () => {
  const { traces } = await searchTraces({
    filterString: "tags.domains LIKE '%cost%' AND tags.domains LIKE '%reliability%'",
  });
  expect(traces).toHaveLength(1);
  const [t] = traces;
  const byName = new Map(t.data.spans.map((s) => [s.name, s]));
  const parentOf = (name: string) => t.data.spans.find((s) => s.spanId === byName.get(name)!.parentId)?.name;
  expect(byName.get('orchestrator_invoke')!.spanType).toBe('AGENT');
  expect(byName.get('load_context')!.spanType).toBe('MEMORY');
  expect(byName.get('classify_intent')!.spanType).toBe('CLASSIFIER');
  expect(byName.get('cost_agent')!.spanType).toBe('AGENT');
  expect(parentOf('cost_agent')).toBe('query_agents');
  expect(byName.get('cost_genie_query')!.spanType).toBe('TOOL');
  expect(parentOf('cost_genie_query')).toBe('cost_agent');
  expect(byName.get('synthesize')!.spanType).toBe('LLM');
  const models = t.data.spans.filter((s) => s.spanType === 'CHAT_MODEL');
  expect(models.length).toBeGreaterThanOrEqual(3);
  expect(t.info.tokenUsage?.total_tokens).toBeGreaterThan(0);
  expect(t.info.tags).toMatchObject({
    domain_count: '2',
    is_multi_domain: 'true',
    has_error: 'false',
    environment: 'dev',
    user_id: 'finops@example.com',
  });
});

it('marks the failed domain, and the monitoring report shows totals, latency, domains, slow spans and grouped errors', async () => {
  const { traces } = await searchTraces({ filterString: "tags.has_error = 'true'" });
  expect(traces).toHaveLength(1);
  expect(traces[0].info.tags.error_type).toBe('GenieError');
  const report = await monitoringReport();
  expect(report).toContain('Traces: 6 from 2 users in 3 sessions');
  expect(report).toContain('Traces with a failed domain: 1');
  expect(report).toMatch(/Latency: mean [\d.]+ ms, p50 [\d.]+ ms, p95 [\d.]+ ms/);
  expect(report).toMatch(/ {2}performance +\d/);
  expect(report).toContain('Slowest spans of the slowest trace');
  expect(report).toMatch(/GenieError: genie space genie-reliability timed out — 1 traces/);
});
