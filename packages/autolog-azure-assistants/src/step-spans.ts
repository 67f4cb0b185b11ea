// Run steps → child spans of the run's AGENT span: message creation, file search, code interpreter, functions.
import { contentFilterAttributes } from './content-filter.js';
import { type LiveSpan, SpanAttributeKey, SpanType, startChildSpan, usageFromOpenAI } from './core.js';
import { layoutSteps, type SeenTimes, type StepTime } from './step-times.js';

export interface StepSpanContext {
  root: LiveSpan;
  /** End of the run span; children end no later. */
  endNs: number;
  captureContent: boolean;
  /** The run's messages by id (for message-creation steps). */
  messages: Map<string, any>;
  /** Steps seen start and end through a stream. */
  seen: Map<string, SeenTimes>;
  /** Function calls answered in this process: from requires_action to the submission. */
  calls: Map<string, SeenTimes>;
  /** Function calls already recorded live (requires_action → submit_tool_outputs). */
  recordedCalls: Set<string>;
  model?: string;
}

/** Records each step (in creation order) as spans under the run's span. */
export function recordStepSpans(steps: any[], ctx: StepSpanContext): void {
  const ordered = steps
    .map((step, i) => ({ step, i }))
    .sort((a, b) => (a.step.created_at ?? 0) - (b.step.created_at ?? 0) || a.i - b.i)
    .map(({ step }) => step);
  const times = layoutSteps(ordered, ctx, ctx.root.startTimeNs, ctx.endNs);
  for (const step of ordered) {
    const at = times.get(step.id) ?? { startNs: ctx.root.startTimeNs, endNs: ctx.endNs };
    if (step?.type === 'message_creation') messageStep(step, at, ctx);
    else if (step?.type === 'tool_calls')
      for (const call of step.step_details?.tool_calls ?? []) toolCall(step, call, at, ctx);
  }
}

function messageStep(step: any, at: StepTime, ctx: StepSpanContext): void {
  const messageId = step.step_details?.message_creation?.message_id;
  const message = ctx.messages.get(messageId);
  const attributes: Record<string, unknown> = {
    'assistants.step_id': step.id,
    'assistants.message_id': messageId,
    ...contentFilterAttributes(message),
  };
  const usage = usageFromOpenAI(step.usage);
  if (usage) attributes[SpanAttributeKey.TOKEN_USAGE] = usage;
  if (ctx.model) attributes[SpanAttributeKey.MODEL] = ctx.model;
  emit(step, at, ctx, {
    name: 'message_creation',
    spanType: SpanType.CHAT_MODEL,
    attributes,
    outputs: ctx.captureContent ? message : undefined,
  });
}

function toolCall(step: any, call: any, at: StepTime, ctx: StepSpanContext): void {
  if (call?.type === 'function' && ctx.recordedCalls.has(call.id)) return;
  const attributes: Record<string, unknown> = {
    'assistants.step_id': step.id,
    'assistants.tool_call_id': call?.id,
    'assistants.tool_type': call?.type,
  };
  // Usage belongs to the step (the model's tokens to decide the call), not to the tool itself.
  if (step.usage) attributes['assistants.step_usage'] = usageFromOpenAI(step.usage);
  if (call?.type === 'file_search') {
    const results: any[] = call.file_search?.results ?? [];
    if (call.file_search?.ranking_options)
      attributes['assistants.file_search.ranking_options'] = call.file_search.ranking_options;
    emit(step, at, ctx, {
      name: 'file_search',
      spanType: SpanType.RETRIEVER,
      attributes,
      outputs: results.map((r) => toDocument(r, ctx.captureContent)),
    });
  } else if (call?.type === 'code_interpreter') {
    const io = call.code_interpreter ?? {};
    const content = ctx.captureContent;
    emit(step, at, ctx, {
      name: 'code_interpreter',
      spanType: SpanType.TOOL,
      attributes,
      inputs: content ? { input: io.input } : undefined,
      outputs: content ? { outputs: io.outputs } : undefined,
    });
  } else if (call?.type === 'function') {
    const fn = call.function ?? {};
    const content = ctx.captureContent;
    emit(step, at, ctx, {
      name: fn.name ?? 'function',
      spanType: SpanType.TOOL,
      attributes,
      inputs: content ? parseArguments(fn.arguments) : undefined,
      outputs: content ? (fn.output ?? undefined) : undefined,
    });
  }
}

/** A file search result as an MLflow retriever document. */
function toDocument(result: any, captureContent: boolean): Record<string, unknown> {
  const text = Array.isArray(result?.content)
    ? result.content.map((c: any) => c?.text ?? '').join('')
    : undefined;
  return {
    ...(captureContent && text !== undefined ? { page_content: text } : {}),
    metadata: {
      file_id: result?.file_id,
      file_name: result?.file_name,
      score: result?.score,
      doc_uri: result?.file_name,
    },
    id: result?.file_id,
  };
}

/** Function arguments as an object when they are JSON (they should be), else the raw text. */
export function parseArguments(args: unknown): unknown {
  if (typeof args !== 'string') return args;
  try {
    return JSON.parse(args);
  } catch {
    return { arguments: args };
  }
}

interface SpanSpec {
  name: string;
  spanType: string;
  attributes: Record<string, unknown>;
  inputs?: unknown;
  outputs?: unknown;
}

function emit(
  step: any,
  { startNs, endNs, estimated }: StepTime,
  ctx: StepSpanContext,
  spec: SpanSpec,
): void {
  if (estimated) spec.attributes['assistants.timing_estimated'] = true;
  const span = startChildSpan(ctx.root, {
    name: spec.name,
    spanType: spec.spanType,
    inputs: spec.inputs,
    attributes: spec.attributes,
    startTimeNs: startNs,
  });
  const failed = step.status === 'failed' || step.status === 'expired';
  if (step.status && step.status !== 'completed') span.setAttribute('assistants.status', step.status);
  span.end({
    outputs: spec.outputs,
    status: failed
      ? {
          code: 'ERROR',
          message: step.last_error
            ? `${step.last_error.code}: ${step.last_error.message}`
            : `step ${step.status}`,
        }
      : undefined,
    endTimeNs: endNs,
  });
}
