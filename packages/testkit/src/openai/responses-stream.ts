import { buildResponse, outputItem } from './response-object.js';
import type { PlannedItem, ResponsePlan } from './responses-plan.js';
import { splitIntoChunks } from './tokens.js';
import type { RouteContext, SseWriter } from './types.js';

type Shell = { id: string; createdAt: number };

/**
 * Streams a Responses API answer as OpenAI does: named events (`event: response.created` …
 * `response.completed`), each with a `sequence_number`, and no `[DONE]` at the end.
 */
export async function streamResponse(
  ctx: RouteContext,
  plan: ResponsePlan,
  shell: Shell,
  store: (ctx: RouteContext, response: { id: string }) => void,
): Promise<void> {
  const sse = ctx.sse('named');
  let sequence = 0;
  const emit = (type: string, fields: Record<string, unknown>) =>
    sse.send({ type, ...fields, sequence_number: sequence++ }, type);

  const snapshot = buildResponse(ctx.body, plan, shell, 'in_progress');
  if (!(await emit('response.created', { response: snapshot }))) return;
  if (!(await emit('response.in_progress', { response: snapshot }))) return;
  for (const [outputIndex, item] of plan.items.entries()) {
    if (!(await streamItem(emit, item, outputIndex, plan, ctx))) return;
  }
  const final = buildResponse(ctx.body, plan, shell, 'final');
  store(ctx, final);
  const closing = plan.status === 'incomplete' ? 'response.incomplete' : 'response.completed';
  if (await emit(closing, { response: final })) sse.end();
}

async function streamItem(
  emit: (type: string, fields: Record<string, unknown>) => ReturnType<SseWriter['send']>,
  item: PlannedItem,
  outputIndex: number,
  plan: ResponsePlan,
  ctx: RouteContext,
): Promise<boolean> {
  const done = outputItem(item, plan.status === 'incomplete' ? 'incomplete' : 'completed');
  const at = { item_id: item.id, output_index: outputIndex };
  if (item.type === 'reasoning') {
    return (
      (await emit('response.output_item.added', { output_index: outputIndex, item: done })) &&
      emit('response.output_item.done', { output_index: outputIndex, item: done })
    );
  }
  if (item.type === 'function_call') {
    const added = { ...done, status: 'in_progress', arguments: '' };
    if (!(await emit('response.output_item.added', { output_index: outputIndex, item: added }))) return false;
    for (const delta of splitIntoChunks(item.arguments, ctx.knobs.chunks)) {
      if (!(await emit('response.function_call_arguments.delta', { ...at, delta }))) return false;
    }
    return (
      (await emit('response.function_call_arguments.done', { ...at, arguments: item.arguments })) &&
      emit('response.output_item.done', { output_index: outputIndex, item: done })
    );
  }
  const part = (text: string) => ({ type: 'output_text', annotations: [], logprobs: [], text });
  const added = { id: item.id, type: 'message', status: 'in_progress', content: [], role: 'assistant' };
  const inPart = { ...at, content_index: 0 };
  if (!(await emit('response.output_item.added', { output_index: outputIndex, item: added }))) return false;
  if (!(await emit('response.content_part.added', { ...inPart, part: part('') }))) return false;
  for (const delta of splitIntoChunks(item.text, ctx.knobs.chunks)) {
    if (!(await emit('response.output_text.delta', { ...inPart, delta, logprobs: [] }))) return false;
  }
  return (
    (await emit('response.output_text.done', { ...inPart, text: item.text, logprobs: [] })) &&
    (await emit('response.content_part.done', { ...inPart, part: part(item.text) })) &&
    emit('response.output_item.done', { output_index: outputIndex, item: done })
  );
}
