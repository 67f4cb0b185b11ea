import { createRequire } from 'node:module';
import type { SpanData, TraceRecord } from '@autolog/core';
import type { OpenAIServer } from '@autolog/testkit';

const require = createRequire(import.meta.url);

/** The openai majors tested, each under its package alias (CommonJS builds). */
export const OPENAI_VERSIONS = [
  { label: 'openai@4', major: 4, module: require('openai-v4') },
  { label: 'openai@5', major: 5, module: require('openai-v5') },
  { label: 'openai@6', major: 6, module: require('openai-v6') },
  { label: 'openai@7', major: 7, module: require('openai') },
] as const;

export type OpenAIVersion = (typeof OPENAI_VERSIONS)[number];

export const API_KEY = ['azure', 'key', 'abcdefghijklmnopqrstuvwxyz012345'].join('-');
export const API_VERSION = '2024-05-01-preview';

/** An `AzureOpenAI` client on the testkit's Azure paths, authenticated with `api-key`. */
export function azureClient(version: OpenAIVersion, server: OpenAIServer): any {
  const { AzureOpenAI } = version.module;
  return new AzureOpenAI({
    endpoint: server.azureEndpoint,
    apiKey: API_KEY,
    apiVersion: API_VERSION,
    maxRetries: 0,
  });
}

export function openaiClient(version: OpenAIVersion, server: OpenAIServer): any {
  const OpenAI = version.module.OpenAI ?? version.module.default ?? version.module;
  return new OpenAI({ baseURL: server.url, apiKey: API_KEY, maxRetries: 0 });
}

/**
 * The run methods whose signatures changed in openai 5 (`(threadId, runId)` → `(runId, { thread_id })`),
 * called the way each major expects, as an app written for it would.
 */
export function runsOf(version: OpenAIVersion, client: any) {
  const runs = client.beta.threads.runs;
  const v4 = version.major === 4;
  return {
    raw: runs,
    retrieve: (threadId: string, runId: string, options?: object) =>
      v4 ? runs.retrieve(threadId, runId, options) : runs.retrieve(runId, { thread_id: threadId }, options),
    cancel: (threadId: string, runId: string) =>
      v4 ? runs.cancel(threadId, runId) : runs.cancel(runId, { thread_id: threadId }),
    poll: (threadId: string, runId: string) =>
      v4
        ? runs.poll(threadId, runId, { pollIntervalMs: 1 })
        : runs.poll(runId, { thread_id: threadId }, { pollIntervalMs: 1 }),
    submit: (threadId: string, runId: string, body: object) =>
      v4
        ? runs.submitToolOutputs(threadId, runId, body)
        : runs.submitToolOutputs(runId, { thread_id: threadId, ...body }),
    submitAndPoll: (threadId: string, runId: string, body: object) =>
      v4
        ? runs.submitToolOutputsAndPoll(threadId, runId, body, { pollIntervalMs: 1 })
        : runs.submitToolOutputsAndPoll(runId, { thread_id: threadId, ...body }, { pollIntervalMs: 1 }),
    submitStream: (threadId: string, runId: string, body: object) =>
      v4
        ? runs.submitToolOutputsStream(threadId, runId, body)
        : runs.submitToolOutputsStream(runId, { thread_id: threadId, ...body }),
  };
}

/** Polls a run to a state the app acts on, as the seed notebook does (without its 1 s sleep). */
export async function pollUntilSettled(version: OpenAIVersion, client: any, run: any): Promise<any> {
  const runs = runsOf(version, client);
  while (['queued', 'in_progress', 'cancelling'].includes(run.status))
    run = await runs.retrieve(run.thread_id, run.id);
  return run;
}

export { memoryTracing } from '@autolog/core/testing';

/** The root span of a trace and its children by name. */
export function shape(trace: TraceRecord): {
  root: SpanData;
  children: SpanData[];
  child(name: string): SpanData | undefined;
} {
  const root = trace.data.spans.find((s) => s.parentId === null)!;
  const children = trace.data.spans
    .filter((s) => s.parentId === root.spanId)
    .sort((a, b) => a.startTimeNs - b.startTimeNs);
  return { root, children, child: (name) => children.find((s) => s.name === name) };
}

export const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
