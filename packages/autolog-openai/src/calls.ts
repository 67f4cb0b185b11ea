import { ChatStreamAccumulator, endChatCompletion } from './chat.js';
import { CompletionStreamAccumulator } from './completions.js';
import {
  isTracingSuppressed,
  observeResult,
  observeStream,
  runInSpan,
  runLeafInSpan,
  SpanAttributeKey,
  SpanType,
  type StreamObserver,
  startSpan,
} from './core.js';
import { endResponse, ResponseStreamAccumulator } from './responses.js';
import { type CallContext, endWithError, endWithResponse } from './span-end.js';
import type { ModelPrice } from './types.js';

/** One traced SDK method: how its span is named and typed, and how its result is read. */
export interface CallKind {
  /** Path of the resource on the client, e.g. `chat.completions`. */
  resource: string;
  spanType: string;
  operation: string;
  onResponse(ctx: CallContext, data: any): void;
  streamAccumulator(ctx: CallContext): StreamObserver;
}

export const CALL_KINDS: Record<'chat' | 'responses' | 'embeddings' | 'completions', CallKind> = {
  chat: {
    resource: 'chat.completions',
    spanType: SpanType.CHAT_MODEL,
    operation: 'chat',
    onResponse: endChatCompletion,
    streamAccumulator: (ctx) => new ChatStreamAccumulator(ctx),
  },
  responses: {
    resource: 'responses',
    spanType: SpanType.CHAT_MODEL,
    operation: 'responses',
    onResponse: endResponse,
    streamAccumulator: (ctx) => new ResponseStreamAccumulator(ctx),
  },
  embeddings: {
    resource: 'embeddings',
    spanType: SpanType.EMBEDDING,
    operation: 'embeddings',
    // Vectors are large and rarely useful in a trace: record their count and dimensions.
    onResponse: (ctx, data) =>
      endWithResponse(ctx, data, {
        object: data?.object,
        model: data?.model,
        data: Array.isArray(data?.data)
          ? data.data.map((d: any) => ({ index: d?.index, dimensions: dimensionsOf(d?.embedding) }))
          : undefined,
        usage: data?.usage,
      }),
    streamAccumulator: (ctx) => ({
      neverHolds: true,
      add() {},
      finish: () => ctx.span.end(),
      fail: (e: unknown) => endWithError(ctx, e),
    }),
  },
  completions: {
    resource: 'completions',
    spanType: SpanType.LLM,
    operation: 'text_completion',
    onResponse: (ctx, data) => endWithResponse(ctx, data, data),
    streamAccumulator: (ctx) => new CompletionStreamAccumulator(ctx),
  },
};

function dimensionsOf(embedding: unknown): number | undefined {
  if (Array.isArray(embedding)) return embedding.length;
  // base64 float32
  if (typeof embedding === 'string') return Math.floor((embedding.length * 3) / 4 / 4);
  return undefined;
}

export interface CallSettings {
  captureContent(): boolean;
  prices(): Record<string, ModelPrice>;
  active(): boolean;
}

/** The replacement for an SDK method: one span per call, the SDK's own return value passed back. */
export function tracedMethod(kind: CallKind, settings: CallSettings) {
  return (original: (...args: any[]) => any) =>
    function traced(this: any, ...args: any[]) {
      if (!settings.active() || isTracingSuppressed()) return original.apply(this, args);
      let ctx: CallContext;
      try {
        ctx = startCall(kind, this, args[0], settings);
      } catch {
        return original.apply(this, args);
      }
      let result: unknown;
      try {
        const call = () => original.apply(this, args);
        result = callsBack(this?._client) ? runInSpan(ctx.span, call) : runLeafInSpan(ctx.span, call);
      } catch (err) {
        endWithError(ctx, err);
        throw err;
      }
      const streaming = args[0]?.stream === true;
      return observeResult(result, {
        onData: (data) => {
          if (streaming) return observeStream(data, kind.streamAccumulator(ctx));
          kind.onResponse(ctx, data);
          return data;
        },
        onError: (error) => endWithError(ctx, error),
        // `asResponse()` alone never parses the body: end the span with the HTTP status.
        onRawResponse: (response: any) => {
          ctx.span.setAttribute('http.response.status_code', response?.status);
          ctx.span.end();
        },
      });
    };
}

const callsBackCache = new WeakMap<object, boolean>();

/**
 * True when a request of this client runs app code: a function among its options (a custom
 * `fetch`, an Azure AD token provider, an `apiKey` function), in which the call's span is current.
 */
function callsBack(client: any): boolean {
  if (!client || typeof client !== 'object') return false;
  let answer = callsBackCache.get(client);
  if (answer === undefined) {
    try {
      const options = client._options;
      answer =
        !!options &&
        typeof options === 'object' &&
        Object.values(options).some((value) => typeof value === 'function');
    } catch {
      answer = true;
    }
    callsBackCache.set(client, answer);
  }
  return answer;
}

/** True for an `AzureOpenAI` client (it carries an API version). */
export function isAzureClient(client: any): boolean {
  return typeof client?.apiVersion === 'string' && client.apiVersion !== '';
}

function startCall(kind: CallKind, resource: any, body: any, settings: CallSettings): CallContext {
  const client = resource?._client;
  const azure = isAzureClient(client);
  const requestModel = typeof body?.model === 'string' ? body.model : undefined;
  const attributes: Record<string, unknown> = {
    [SpanAttributeKey.PROVIDER]: azure ? 'azure' : 'openai',
    [SpanAttributeKey.MESSAGE_FORMAT]: 'openai',
    'gen_ai.operation.name': kind.operation,
  };
  if (requestModel) attributes['gen_ai.request.model'] = requestModel;
  if (azure) {
    attributes['azure.api_version'] = client.apiVersion;
    attributes['azure.deployment'] = client.deploymentName ?? client._deployment ?? requestModel;
  }
  if (Array.isArray(body?.tools) && body.tools.length) attributes[SpanAttributeKey.TOOLS] = body.tools;
  if (body?.stream === true) attributes['autolog.stream'] = true;
  const span = startSpan({
    name: `${azure ? 'AzureOpenAI' : 'OpenAI'}.${kind.resource}`,
    spanType: kind.spanType,
    attributes,
  });
  const captureContent = settings.captureContent();
  if (captureContent && body !== undefined) span.setInputs(body);
  return { span, captureContent, prices: settings.prices(), requestModel, startedAt: performance.now() };
}
