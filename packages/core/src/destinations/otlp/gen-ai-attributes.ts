import type { Attributes } from '@opentelemetry/api';
import type { SpanData, TraceRecord } from '../../types.js';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

const OPERATION: Record<string, string> = {
  CHAT_MODEL: 'chat',
  EMBEDDING: 'embeddings',
  TOOL: 'execute_tool',
  AGENT: 'invoke_agent',
};

/** Request parameters as OpenAI-style inputs name them → GenAI semantic-convention keys. */
const REQUEST_PARAMS: Array<[string[], string]> = [
  [['temperature'], 'gen_ai.request.temperature'],
  [['top_p'], 'gen_ai.request.top_p'],
  [['max_tokens', 'max_completion_tokens', 'max_output_tokens'], 'gen_ai.request.max_tokens'],
  [['frequency_penalty'], 'gen_ai.request.frequency_penalty'],
  [['presence_penalty'], 'gen_ai.request.presence_penalty'],
  [['seed'], 'gen_ai.request.seed'],
];

/**
 * OpenTelemetry GenAI semantic-convention attributes derived from a span's MLflow attributes,
 * inputs and outputs, so generic backends understand model calls: `gen_ai.operation.name`,
 * `gen_ai.system` / `gen_ai.provider.name`, `gen_ai.request.model`, `gen_ai.response.model`,
 * `gen_ai.usage.input_tokens` / `output_tokens`, request parameters, `gen_ai.response.id`,
 * `gen_ai.response.finish_reasons`, tool and agent names, plus `user.id`, `session.id` and
 * `gen_ai.conversation.id` from the trace's `mlflow.trace.user` / `mlflow.trace.session`.
 *
 * @example
 * genAiAttributes(span, record)['gen_ai.usage.input_tokens']; // 812
 */
export function genAiAttributes(span: SpanData, record: TraceRecord): Attributes {
  const out: Attributes = {};
  const a = span.attributes;
  const inputs = obj(span.inputs);
  const outputs = obj(span.outputs);
  const isModel = span.spanType === 'LLM' || span.spanType === 'CHAT_MODEL' || span.spanType === 'EMBEDDING';
  const operation =
    OPERATION[span.spanType] ??
    (span.spanType === 'LLM' ? (inputs?.messages ? 'chat' : 'text_completion') : undefined);
  if (operation) out['gen_ai.operation.name'] = operation;
  const provider = str(a['mlflow.llm.provider']) ?? str(a['mlflow.message.format']);
  if (provider && isModel) {
    out['gen_ai.system'] = provider;
    out['gen_ai.provider.name'] = provider;
  }
  const requestModel = str(a['mlflow.llm.model']) ?? str(inputs?.model);
  if (requestModel && isModel) out['gen_ai.request.model'] = requestModel;
  const responseModel = str(outputs?.model);
  if (responseModel && isModel) out['gen_ai.response.model'] = responseModel;
  const usage = obj(a['mlflow.chat.tokenUsage']);
  if (usage) {
    const input = num(usage.input_tokens);
    const output = num(usage.output_tokens);
    if (input !== undefined) out['gen_ai.usage.input_tokens'] = input;
    if (output !== undefined) out['gen_ai.usage.output_tokens'] = output;
  }
  if (isModel && inputs) {
    for (const [names, key] of REQUEST_PARAMS) {
      const value = names.map((n) => num(inputs[n])).find((v) => v !== undefined);
      if (value !== undefined) out[key] = value;
    }
    const stop = inputs.stop;
    if (typeof stop === 'string') out['gen_ai.request.stop_sequences'] = [stop];
    else if (Array.isArray(stop) && stop.every((s) => typeof s === 'string'))
      out['gen_ai.request.stop_sequences'] = stop as string[];
  }
  if (isModel && outputs) {
    const id = str(outputs.id);
    if (id) out['gen_ai.response.id'] = id;
    const choices = Array.isArray(outputs.choices) ? outputs.choices : [];
    const reasons = choices
      .map((c) => str(obj(c)?.finish_reason))
      .filter((r): r is string => r !== undefined);
    if (reasons.length) out['gen_ai.response.finish_reasons'] = reasons;
  }
  if (span.spanType === 'TOOL') out['gen_ai.tool.name'] = span.name;
  if (span.spanType === 'AGENT') out['gen_ai.agent.name'] = span.name;
  const user = record.info.traceMetadata['mlflow.trace.user'];
  const session = record.info.traceMetadata['mlflow.trace.session'];
  if (user) out['user.id'] = user;
  if (session) {
    out['session.id'] = session;
    out['gen_ai.conversation.id'] = session;
  }
  return out;
}
