/**
 * A small corpus of named traces for the search, annotate and analyse tests: two users with
 * sessions (seed 002), an assistant with feedback and an expectation (seed 000), failing tool
 * calls, a trace in another experiment, and hostile strings stored as data.
 */
import type { TraceRecord } from '../../src/types.js';
import { build as buildAt, type TraceSpec } from './corpus-builder.js';

export const BASE = 1_765_560_000_000;

/** Short names of the corpus traces → trace ids. */
export const ID = {
  t1: 'tr-00000000000000000000000000000001',
  t2: 'tr-00000000000000000000000000000002',
  t3: 'tr-00000000000000000000000000000003',
  t4: 'tr-00000000000000000000000000000004',
  t5: 'tr-00000000000000000000000000000005',
  t6: 'tr-00000000000000000000000000000006',
  t7: 'tr-00000000000000000000000000000007',
  t8: 'tr-00000000000000000000000000000008',
  other: 'tr-000000000000000000000000000000ff',
} as const;
export type Name = keyof typeof ID;

/** Trace name by id (for readable test failures). */
export const NAME_OF: Record<string, Name> = Object.fromEntries(
  Object.entries(ID).map(([k, v]) => [v, k as Name]),
);

export const HOSTILE_KEY = "x'; DROP TABLE traces; --";
export const HOSTILE_VALUE = "'; DELETE FROM spans; /* ☃ */ --";
export const UNICODE_NAME = 'ünïcødé 名前 🚀';

const build = (spec: TraceSpec) => buildAt(spec, BASE);

const user = (u: string, s: string, version: string, env: string) => ({
  'mlflow.trace.user': u,
  'mlflow.trace.session': s,
  app_version: version,
  'mlflow.source.type': env,
});
const HUMAN = (id: string) => ({ sourceType: 'HUMAN' as const, sourceId: id });

/** The corpus, in write order. t7 has the same request time as t6 and is written after it. */
export function corpus(): TraceRecord[] {
  return [
    build({
      id: ID.t1,
      at: 1_000,
      duration: 120,
      state: 'OK',
      clientRequestId: 'thread_abc',
      metadata: user('user-123', 'session-abc-0', '1.0.0', 'staging'),
      tags: { query_category: 'chat' },
      tokens: 50,
      cost: 0.001,
      spans: [
        {
          name: 'chat',
          type: 'CHAIN',
          start: 0,
          end: 120,
          inputs: { message: 'What is MLflow?' },
          outputs: 'MLflow is an open-source platform.',
        },
        {
          name: 'openai.chat',
          type: 'CHAT_MODEL',
          start: 5,
          end: 110,
          inputs: { messages: [{ role: 'user', content: 'What is MLflow?' }] },
          outputs: 'MLflow is an open-source platform.',
          usage: { input_tokens: 40, output_tokens: 10, total_tokens: 50 },
        },
      ],
    }),
    build({
      id: ID.t2,
      at: 2_000,
      duration: 2_500,
      state: 'ERROR',
      clientRequestId: 'thread_def',
      metadata: user('user-123', 'session-abc-0', '1.0.0', 'staging'),
      tags: { query_category: 'support' },
      tokens: 70,
      spans: [
        {
          name: 'chat',
          type: 'CHAIN',
          start: 0,
          end: 2_500,
          status: 'ERROR',
          inputs: { message: 'Where is my order 42?' },
          exception: { type: 'TimeoutError', message: 'lookup_order timed out' },
        },
        {
          name: 'openai.chat',
          type: 'LLM',
          start: 10,
          end: 400,
          inputs: { messages: [{ role: 'user', content: 'Where is my order 42?' }] },
          outputs: { tool_call: 'lookup_order' },
        },
        {
          name: 'lookup_order',
          type: 'TOOL',
          start: 410,
          end: 2_490,
          status: 'ERROR',
          inputs: { order_id: 42 },
          exception: { type: 'TimeoutError', message: 'lookup_order timed out' },
        },
      ],
      assessments: [
        {
          kind: 'feedback',
          assessmentId: 'a-t2-sat',
          name: 'user_satisfaction',
          value: false,
          source: HUMAN('user-123'),
        },
        {
          kind: 'feedback',
          assessmentId: 'a-t2-rel',
          name: 'relevance',
          value: 0.2,
          source: HUMAN('user-123'),
          rationale: 'never answered',
        },
      ],
    }),
    build({
      id: ID.t3,
      at: 3_000,
      duration: 800,
      state: 'OK',
      metadata: user('user-456', 'session-def-0', '1.1.0', 'production'),
      tags: { query_category: 'chat' },
      tokens: 90,
      cost: 0.004,
      spans: [
        {
          name: 'rag',
          type: 'CHAIN',
          start: 0,
          end: 800,
          inputs: { question: 'What is ML vs. AI?' },
          outputs: 'AI is the broader field; ML is a subset.',
        },
        {
          name: 'retrieve',
          type: 'RETRIEVER',
          start: 5,
          end: 200,
          inputs: { query: 'ML vs AI' },
          outputs: [{ page_content: 'Machine learning is a subset of AI.' }],
        },
        {
          name: 'openai.chat',
          type: 'CHAT_MODEL',
          start: 210,
          end: 790,
          outputs: 'AI is the broader field; ML is a subset.',
        },
      ],
      assessments: [
        {
          kind: 'feedback',
          assessmentId: 'a-t3-sat',
          name: 'user_satisfaction',
          value: true,
          source: HUMAN('user-456'),
        },
        {
          kind: 'feedback',
          assessmentId: 'a-t3-rel',
          name: 'relevance',
          value: 0.9,
          source: HUMAN('user-456'),
          rationale: 'High accuracy and clarity, slightly incomplete coverage',
        },
        {
          kind: 'feedback',
          assessmentId: 'a-t3-judge',
          name: 'llm_evaluation',
          value: 0.3,
          source: { sourceType: 'LLM_JUDGE', sourceId: 'GPT-5' },
          rationale: 'Not as good as I could have done',
        },
        {
          kind: 'expectation',
          assessmentId: 'a-t3-exp',
          name: 'expected_behavior',
          value: {
            should_escalate: true,
            required_elements: ['empathy', 'solution_offer', 'follow_up'],
            max_response_length: 150,
            tone: 'professional_friendly',
          },
          source: HUMAN('user-456'),
        },
      ],
    }),
    build({
      id: ID.t4,
      at: 4_000,
      duration: 300,
      state: 'OK',
      metadata: user('user-456', 'session-def-0', '1.1.0', 'production'),
      tags: { query_category: 'chat' },
      tokens: 30,
      cost: 0.002,
      spans: [
        {
          name: 'chat',
          type: 'CHAIN',
          start: 0,
          end: 300,
          inputs: { message: 'Thanks!' },
          outputs: 'You are welcome.',
        },
        { name: 'openai.chat', type: 'CHAT_MODEL', start: 5, end: 290, outputs: 'You are welcome.' },
      ],
      assessments: [
        {
          kind: 'feedback',
          assessmentId: 'a-t4-old',
          name: 'user_satisfaction',
          value: true,
          source: { sourceType: 'LLM_JUDGE', sourceId: 'judge' },
          valid: false,
        },
        {
          kind: 'feedback',
          assessmentId: 'a-t4-new',
          name: 'user_satisfaction',
          value: false,
          source: HUMAN('user-456'),
          overrides: 'a-t4-old',
        },
      ],
    }),
    build({
      id: ID.t5,
      at: 5_000,
      duration: 50,
      state: 'OK',
      metadata: { ...user('user-☃', 'session-☃', '1.1.0', 'production'), [HOSTILE_KEY]: HOSTILE_VALUE },
      tags: { [HOSTILE_KEY]: HOSTILE_VALUE, 'team name': 'α support' },
      spans: [
        {
          name: UNICODE_NAME,
          type: 'CHAIN',
          start: 0,
          end: 50,
          inputs: { text: 'say "hi"\nthen -- leave; DROP TABLE spans' },
          outputs: 'Ünïcode ÅNSWER',
        },
      ],
    }),
    build({
      id: ID.t6,
      at: 6_000,
      duration: 4_000,
      state: 'ERROR',
      metadata: { app_version: '1.0.0' },
      spans: [
        {
          name: 'batch_job',
          type: 'AGENT',
          start: 0,
          end: 4_000,
          status: 'ERROR',
          statusMessage: 'quota exceeded',
        },
        {
          name: 'classify',
          type: 'CLASSIFIER',
          start: 100,
          end: 3_900,
          status: 'ERROR',
          exception: { type: 'RateLimitError', message: 'quota exceeded' },
        },
      ],
      assessments: [
        {
          kind: 'feedback',
          assessmentId: 'a-t6-judge',
          name: 'llm_evaluation',
          error: { errorCode: 'TIMEOUT', errorMessage: 'judge timed out' },
          source: { sourceType: 'LLM_JUDGE', sourceId: 'GPT-5' },
        },
      ],
    }),
    build({
      id: ID.t7,
      at: 6_000,
      duration: 10,
      state: 'IN_PROGRESS',
      metadata: { app_version: '1.0.0' },
      spans: [{ name: 'batch_job', type: 'AGENT', start: 0, end: 10, status: 'UNSET' }],
      assessments: [
        {
          kind: 'feedback',
          assessmentId: 'a-t7-label',
          name: 'topic',
          value: 'billing',
          source: HUMAN('ops'),
        },
      ],
    }),
    build({
      id: ID.t8,
      at: 8_000,
      duration: 1_000,
      state: 'OK',
      clientRequestId: 'thread_ghi',
      metadata: user('user-123', 'session-abc-1', '1.1.0', 'staging'),
      tags: { query_category: 'chat' },
      tokens: 60,
      cost: 0.003,
      spans: [
        {
          name: 'chat',
          type: 'CHAIN',
          start: 0,
          end: 1_000,
          inputs: { message: 'What is MLflow Tracing?' },
          outputs: 'Tracing records each request.',
        },
        {
          name: 'openai.chat',
          type: 'CHAT_MODEL',
          start: 5,
          end: 990,
          outputs: 'Tracing records each request.',
        },
      ],
      assessments: [
        {
          kind: 'expectation',
          assessmentId: 'a-t8-exp',
          name: 'expected_response',
          value: 'Tracing records each request.',
          source: HUMAN('user-123'),
        },
      ],
    }),
    build({
      id: ID.other,
      at: 9_000,
      duration: 5,
      state: 'OK',
      experimentId: '7',
      metadata: user('user-123', 'session-other', '2.0.0', 'staging'),
      spans: [{ name: 'chat', type: 'CHAIN', start: 0, end: 5 }],
    }),
  ];
}
