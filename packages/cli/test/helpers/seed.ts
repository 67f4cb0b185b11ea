/**
 * A realistic store for the CLI tests: chat turns of three users over three sessions and two
 * app versions, a RAG chain (retriever + chat model with token usage and cost), one failed
 * turn, feedback and an expectation, and a second experiment.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Assessment, LocalStore, type SpanData, type TraceRecord } from '@autolog/core';

/** 2025-12-12T10:00:00Z. */
export const BASE_MS = Date.UTC(2025, 11, 12, 10, 0, 0);

export const traceIdOf = (i: number) => `tr-0195f3c1${(0xa000 + i).toString(16).padStart(24, '0')}`;
const spanIdOf = (i: number, j: number) => ((i + 1) * 16 + j).toString(16).padStart(16, '0');

interface TurnSpec {
  user: string;
  session: string;
  version: string;
  question: string;
  durationMs: number;
  tokens: [number, number];
  error?: string;
  experimentId?: string;
  assessments?: Array<Omit<Assessment, 'traceId' | 'createTime' | 'lastUpdateTime' | 'valid'>>;
}

export const TURNS: TurnSpec[] = [
  {
    user: 'alice',
    session: 's-1',
    version: '1.0.0',
    question: 'What is the refund policy?',
    durationMs: 1200,
    tokens: [120, 45],
  },
  {
    user: 'alice',
    session: 's-1',
    version: '1.0.0',
    question: 'And for digital goods?',
    durationMs: 950,
    tokens: [180, 60],
  },
  {
    user: 'bob',
    session: 's-2',
    version: '1.0.0',
    question: 'How do I reset my password?',
    durationMs: 2300,
    tokens: [90, 150],
  },
  {
    user: 'bob',
    session: 's-2',
    version: '1.1.0',
    question: 'It did not work',
    durationMs: 4100,
    tokens: [210, 0],
    error: 'RateLimitError: 429 Too Many Requests',
  },
  {
    user: 'carol',
    session: 's-3',
    version: '1.1.0',
    question: 'Where is my order #1234?',
    durationMs: 800,
    tokens: [100, 40],
  },
  {
    user: 'carol',
    session: 's-3',
    version: '1.1.0',
    question: 'Can I change the address?',
    durationMs: 1500,
    tokens: [140, 70],
    assessments: [
      {
        assessmentId: 'a-1',
        kind: 'feedback',
        name: 'thumbs_up',
        value: true,
        source: { sourceType: 'HUMAN', sourceId: 'carol' },
      },
      {
        assessmentId: 'a-2',
        kind: 'expectation',
        name: 'expected_answer',
        value: 'Yes, until it ships.',
        source: { sourceType: 'HUMAN', sourceId: 'support' },
      },
    ],
  },
  {
    user: 'dave',
    session: 's-4',
    version: '1.1.0',
    question: 'Summarise ticket 88',
    durationMs: 3000,
    tokens: [400, 120],
    experimentId: '1',
  },
  {
    user: 'dave',
    session: 's-4',
    version: '1.1.0',
    question: 'Draft a reply',
    durationMs: 2600,
    tokens: [300, 200],
    experimentId: '1',
  },
];

const PRICE = { input: 0.15 / 1e6, output: 0.6 / 1e6 };

function turnRecord(spec: TurnSpec, i: number): TraceRecord {
  const traceId = traceIdOf(i);
  const startNs = (BASE_MS + i * 60_000) * 1e6;
  const endNs = startNs + spec.durationMs * 1e6;
  const [input, output] = spec.tokens;
  const usage = { input_tokens: input, output_tokens: output, total_tokens: input + output };
  const cost = {
    input_cost: input * PRICE.input,
    output_cost: output * PRICE.output,
    total_cost: input * PRICE.input + output * PRICE.output,
  };
  const answer = spec.error ? undefined : `Answer to: ${spec.question}`;
  const status = spec.error ? { code: 'ERROR' as const, message: spec.error } : { code: 'OK' as const };
  const span = (
    j: number,
    parent: number | null,
    name: string,
    spanType: string,
    from: number,
    to: number,
    extra: Partial<SpanData> = {},
  ): SpanData => ({
    traceId,
    spanId: spanIdOf(i, j),
    parentId: parent === null ? null : spanIdOf(i, parent),
    name,
    spanType,
    startTimeNs: startNs + from * 1e6,
    endTimeNs: startNs + to * 1e6,
    status: { code: 'OK' },
    attributes: { 'mlflow.spanType': spanType },
    events: [],
    ...extra,
  });
  const llmEvents = spec.error
    ? [
        {
          name: 'exception',
          timeNs: endNs,
          attributes: { 'exception.type': 'RateLimitError', 'exception.message': spec.error },
        },
      ]
    : [];
  const spans = [
    span(0, null, 'chat-turn', 'CHAIN', 0, spec.durationMs, {
      status,
      inputs: { question: spec.question },
      ...(answer ? { outputs: answer } : {}),
    }),
    span(1, 0, 'retrieve', 'RETRIEVER', 5, 105, {
      inputs: { query: spec.question },
      outputs: [{ id: 'doc-1', text: 'Policy text' }],
    }),
    span(2, 0, 'gpt-4o-mini', 'CHAT_MODEL', 110, spec.durationMs - 5, {
      status,
      inputs: { messages: [{ role: 'user', content: spec.question }] },
      ...(answer ? { outputs: { choices: [{ message: { role: 'assistant', content: answer } }] } } : {}),
      attributes: {
        'mlflow.spanType': 'CHAT_MODEL',
        'mlflow.llm.model': 'gpt-4o-mini',
        'mlflow.llm.provider': 'openai',
        'mlflow.chat.tokenUsage': usage,
        'mlflow.llm.cost': cost,
      },
      events: llmEvents,
    }),
  ];
  const created = BASE_MS + i * 60_000 + spec.durationMs + 1000;
  return {
    info: {
      traceId,
      clientRequestId: `req-${i}`,
      experimentId: spec.experimentId ?? '0',
      requestTime: BASE_MS + i * 60_000,
      executionDuration: spec.durationMs,
      state: spec.error ? 'ERROR' : 'OK',
      traceMetadata: {
        'mlflow.trace_schema.version': '3',
        'mlflow.trace.user': spec.user,
        'mlflow.trace.session': spec.session,
        'mlflow.trace.tokenUsage': JSON.stringify(usage),
        'mlflow.trace.cost': JSON.stringify(cost),
        app_version: spec.version,
        environment: 'production',
      },
      tags: { 'mlflow.traceName': 'chat-turn', team: 'support' },
      assessments: (spec.assessments ?? []).map(
        (a) => ({ ...a, traceId, createTime: created, lastUpdateTime: created, valid: true }) as Assessment,
      ),
      requestPreview: JSON.stringify({ question: spec.question }),
      ...(answer ? { responsePreview: JSON.stringify(answer) } : {}),
      tokenUsage: usage,
    },
    data: { spans },
  };
}

/** Every seeded trace, in request order. */
export function seedRecords(): TraceRecord[] {
  return TURNS.map(turnRecord);
}

/** Writes the seed into a new store at `path` (experiment `1` is named `support-bot`). */
export function seedStore(path: string, records: TraceRecord[] = seedRecords()): void {
  mkdirSync(dirname(path), { recursive: true });
  const store = new LocalStore({ path });
  try {
    store.getOrCreateExperiment('support-bot');
    store.export(records);
  } finally {
    store.close();
  }
}
