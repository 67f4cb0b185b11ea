import type { PlannedItem, ResponsePlan } from './responses-plan.js';
import { responseUsage } from './usage.js';

/** A finished output item, as in `response.output` and `response.output_item.done`. */
export function outputItem(item: PlannedItem, status: 'completed' | 'incomplete' = 'completed') {
  switch (item.type) {
    case 'reasoning':
      return { id: item.id, type: 'reasoning', summary: [] };
    case 'message':
      return {
        id: item.id,
        type: 'message',
        status,
        content: [{ type: 'output_text', annotations: [], logprobs: [], text: item.text }],
        role: 'assistant',
      };
    case 'function_call':
      return {
        id: item.id,
        type: 'function_call',
        status: 'completed',
        arguments: item.arguments,
        call_id: item.callId,
        name: item.name,
      };
  }
}

/**
 * The `response` object. `in_progress` is the snapshot in `response.created` / `response.in_progress`
 * (no output, no usage); `final` is the finished one (`completed`, or `incomplete` after `max_output_tokens`).
 */
export function buildResponse(
  body: any,
  plan: ResponsePlan,
  shell: { id: string; createdAt: number },
  stage: 'in_progress' | 'final',
) {
  const final = stage === 'final';
  const incomplete = final && plan.status === 'incomplete';
  return {
    id: shell.id,
    object: 'response',
    created_at: shell.createdAt,
    status: final ? plan.status : 'in_progress',
    background: body.background ?? false,
    error: null,
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    max_tool_calls: body.max_tool_calls ?? null,
    model: plan.model,
    output: final ? plan.items.map((item) => outputItem(item, incomplete ? 'incomplete' : 'completed')) : [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    prompt_cache_key: body.prompt_cache_key ?? null,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? null },
    safety_identifier: body.safety_identifier ?? null,
    service_tier: 'default',
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: body.text?.format ?? { type: 'text' }, verbosity: body.text?.verbosity ?? 'medium' },
    tool_choice: body.tool_choice ?? 'auto',
    tools: Array.isArray(body.tools) ? body.tools.map(echoTool) : [],
    top_logprobs: body.top_logprobs ?? 0,
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? 'disabled',
    usage: final ? responseUsage(plan.counts) : null,
    user: body.user ?? null,
    metadata: body.metadata ?? {},
  };
}

function echoTool(tool: any) {
  if (tool?.type !== 'function') return tool;
  return { type: 'function', description: null, ...tool, strict: tool.strict ?? true };
}
