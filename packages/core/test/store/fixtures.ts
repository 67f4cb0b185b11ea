/**
 * Trace fixtures and temp-dir helpers for the store tests (also used by the child writer).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanData, TraceRecord } from '../../src/types.js';

/** A fresh temp directory and a function removing it. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'autolog-store-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `tr-` + 32 hex characters built from a hex prefix and a counter. */
export function traceIdOf(n: number, prefix = ''): string {
  return `tr-${prefix}${n.toString(16).padStart(32 - prefix.length, '0')}`;
}

const MS = 1_000_000;

/** A small trace: a root CHAIN span and `children` LLM spans, times derived from `n`. */
export function simpleTrace(
  n: number,
  options: { prefix?: string; experimentId?: string; children?: number; requestTime?: number } = {},
): TraceRecord {
  const traceId = traceIdOf(n, options.prefix);
  const requestTime = options.requestTime ?? 1_700_000_000_000 + n * 1000;
  const startNs = requestTime * MS;
  const root: SpanData = {
    traceId,
    spanId: `${n.toString(16).padStart(12, '0')}0000`,
    parentId: null,
    name: 'handle_request',
    spanType: 'CHAIN',
    startTimeNs: startNs,
    endTimeNs: startNs + 50 * MS,
    status: { code: 'OK' },
    inputs: { question: `question ${n}` },
    outputs: { answer: `answer ${n}` },
    attributes: { 'mlflow.spanType': '"CHAIN"' },
    events: [],
  };
  const spans: SpanData[] = [root];
  for (let c = 1; c <= (options.children ?? 2); c++) {
    spans.push({
      traceId,
      spanId: `${n.toString(16).padStart(12, '0')}${c.toString(16).padStart(4, '0')}`,
      parentId: root.spanId,
      name: `llm_call_${c}`,
      spanType: 'LLM',
      startTimeNs: startNs + c * MS,
      endTimeNs: startNs + (c + 10) * MS,
      status: { code: 'OK' },
      inputs: { messages: [{ role: 'user', content: `question ${n}` }] },
      outputs: { choices: [{ message: { role: 'assistant', content: `answer ${n}` } }] },
      attributes: {
        'mlflow.llm.model': 'gpt-4o-mini',
        'mlflow.chat.tokenUsage': { input_tokens: 12, output_tokens: 7, total_tokens: 19 },
      },
      events: [],
    });
  }
  return {
    info: {
      traceId,
      experimentId: options.experimentId ?? '0',
      requestTime,
      executionDuration: 50,
      state: 'OK',
      traceMetadata: { 'mlflow.trace_schema.version': '3' },
      tags: { 'mlflow.traceName': 'handle_request' },
      assessments: [],
      requestPreview: JSON.stringify(root.inputs),
      responsePreview: JSON.stringify(root.outputs),
    },
    data: { spans },
  };
}

/**
 * A realistic agent trace: root AGENT, a retriever, a chat model with token usage and a
 * stream event, a failing tool with an exception event; ERROR state, user/session metadata,
 * previews, and feedback (value and error) plus an expectation.
 */
export function realisticTrace(): TraceRecord {
  const traceId = 'tr-7f3a9c2e4b1d4e8f9a0b1c2d3e4f5a6b';
  const t0 = 1_733_000_000_123;
  const ns = (ms: number) => (t0 + ms) * MS;
  const question = { messages: [{ role: 'user', content: 'What is the refund policy?' }] };
  const usage = { input_tokens: 412, output_tokens: 88, total_tokens: 500, cache_read_input_tokens: 128 };
  const spans: SpanData[] = [
    {
      traceId,
      spanId: 'a1b2c3d4e5f60001',
      parentId: null,
      name: 'support_agent',
      spanType: 'AGENT',
      startTimeNs: ns(0),
      endTimeNs: ns(1250),
      status: { code: 'ERROR', message: 'Tool lookup_order failed' },
      inputs: question,
      outputs: null,
      attributes: { 'mlflow.spanType': '"AGENT"', 'app.version': '1.4.2' },
      events: [],
    },
    {
      traceId,
      spanId: 'a1b2c3d4e5f60002',
      parentId: 'a1b2c3d4e5f60001',
      name: 'search_docs',
      spanType: 'RETRIEVER',
      startTimeNs: ns(5),
      endTimeNs: ns(80),
      status: { code: 'OK' },
      inputs: { query: 'refund policy', k: 3 },
      outputs: [
        { page_content: 'Refunds within 30 days.', metadata: { doc_uri: 'kb://refunds', chunk_id: '1' } },
      ],
      attributes: {},
      events: [],
    },
    {
      traceId,
      spanId: 'a1b2c3d4e5f60003',
      parentId: 'a1b2c3d4e5f60001',
      name: 'ChatOpenAI',
      spanType: 'CHAT_MODEL',
      startTimeNs: ns(85),
      endTimeNs: ns(900),
      status: { code: 'OK' },
      inputs: question,
      outputs: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', name: 'lookup_order' }] },
      attributes: {
        'mlflow.llm.model': 'gpt-4o-2024-08-06',
        'mlflow.llm.provider': 'openai',
        'mlflow.chat.tokenUsage': usage,
        'mlflow.llm.cost': { input_cost: 0.00103, output_cost: 0.00088, total_cost: 0.00191 },
        'mlflow.message.format': 'openai',
      },
      events: [{ name: 'first_token', timeNs: ns(310), attributes: {} }],
    },
    {
      traceId,
      spanId: 'a1b2c3d4e5f60004',
      parentId: 'a1b2c3d4e5f60001',
      name: 'lookup_order',
      spanType: 'TOOL',
      startTimeNs: ns(905),
      endTimeNs: ns(1240),
      status: { code: 'ERROR', message: 'OrderNotFound: order 123 does not exist' },
      inputs: { order_id: '123' },
      attributes: { 'tool.retries': 2 },
      events: [
        {
          name: 'exception',
          timeNs: ns(1239),
          attributes: {
            'exception.type': 'OrderNotFound',
            'exception.message': 'order 123 does not exist',
            'exception.stacktrace':
              'OrderNotFound: order 123 does not exist\n    at lookupOrder (tools.ts:12:11)',
          },
        },
      ],
    },
  ];
  return {
    info: {
      traceId,
      clientRequestId: 'req-2024-0001',
      experimentId: '0',
      requestTime: t0,
      executionDuration: 1250,
      state: 'ERROR',
      traceMetadata: {
        'mlflow.trace.user': 'user-42',
        'mlflow.trace.session': 'session-7',
        'mlflow.trace_schema.version': '3',
        'mlflow.trace.tokenUsage': JSON.stringify(usage),
        'mlflow.source.name': 'agent.ts',
        'mlflow.source.type': 'LOCAL',
      },
      tags: { 'mlflow.traceName': 'support_agent', environment: 'staging', 'team name': 'α support' },
      assessments: [
        {
          kind: 'feedback',
          assessmentId: 'a-00000000000000000000000000000001',
          traceId,
          name: 'helpfulness',
          value: false,
          rationale: 'The agent never answered.',
          source: { sourceType: 'HUMAN', sourceId: 'reviewer@example.com' },
          metadata: { channel: 'ui' },
          createTime: t0 + 60_000,
          lastUpdateTime: t0 + 60_000,
          valid: true,
        },
        {
          kind: 'feedback',
          assessmentId: 'a-00000000000000000000000000000002',
          traceId,
          spanId: 'a1b2c3d4e5f60003',
          name: 'groundedness',
          error: { errorCode: 'RATE_LIMIT_EXCEEDED', errorMessage: 'judge throttled' },
          source: { sourceType: 'LLM_JUDGE', sourceId: 'openai:/gpt-4o' },
          createTime: t0 + 61_000,
          lastUpdateTime: t0 + 62_000,
          valid: true,
        },
        {
          kind: 'expectation',
          assessmentId: 'a-00000000000000000000000000000003',
          traceId,
          name: 'expected_facts',
          value: { facts: ['30 days', 'original payment method'], score: 1 },
          source: { sourceType: 'CODE', sourceId: 'dataset-v1' },
          createTime: t0 + 63_000,
          lastUpdateTime: t0 + 63_000,
          valid: true,
        },
      ],
      requestPreview: JSON.stringify(question).slice(0, 1000),
      responsePreview: 'null',
      tokenUsage: usage,
    },
    data: { spans },
  };
}
