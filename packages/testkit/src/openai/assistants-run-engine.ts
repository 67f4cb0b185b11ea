// A run's life: queued → in_progress → tool steps → (requires_action) → message → terminal state.
// Each poll applies one stage; a stream applies them all, sending the events each stage makes.
import { callTokens, type RunPlan } from './assistants-run-plan.js';
import { type AssistantsState, type Json, type RunRecord, TERMINAL, textPart } from './assistants-store.js';
import { makeId, unixSeconds } from './ids.js';
import { countTokens, splitIntoChunks, truncateTokens } from './tokens.js';

/** One Assistants stream event: its name (`thread.run.created` …) and data. */
export type RunEvent = [event: string, data: Json];

const copy = (value: Json): Json => JSON.parse(JSON.stringify(value));

/** Builds a queued run and the stages it will go through. */
export function newRunRecord(
  threadId: string,
  assistant: Json,
  body: Json,
  plan: RunPlan,
  azure: boolean,
): RunRecord {
  const now = unixSeconds();
  const run: Json = {
    id: makeId('run_'),
    object: 'thread.run',
    created_at: now,
    assistant_id: assistant.id,
    thread_id: threadId,
    status: 'queued',
    started_at: null,
    expires_at: now + 600,
    cancelled_at: null,
    failed_at: null,
    completed_at: null,
    required_action: null,
    last_error: null,
    model: body.model ?? assistant.model,
    instructions: [body.instructions ?? assistant.instructions, body.additional_instructions]
      .filter(Boolean)
      .join('\n'),
    tools: Array.isArray(body.tools) ? body.tools : assistant.tools,
    tool_resources: body.tool_resources ?? {},
    metadata: body.metadata ?? {},
    temperature: body.temperature ?? assistant.temperature ?? 1,
    top_p: body.top_p ?? assistant.top_p ?? 1,
    max_completion_tokens: body.max_completion_tokens ?? null,
    max_prompt_tokens: body.max_prompt_tokens ?? null,
    truncation_strategy: body.truncation_strategy ?? { type: 'auto', last_messages: null },
    incomplete_details: null,
    usage: null,
    response_format: body.response_format ?? assistant.response_format ?? 'auto',
    tool_choice: body.tool_choice ?? 'auto',
    parallel_tool_calls: body.parallel_tool_calls ?? true,
  };
  const stages = ['in_progress', ...plan.builtinCalls.map((_, i) => `tool:${i}`)];
  if (plan.functionCalls.length) stages.push('requires_action');
  else stages.push(...closingStages(plan));
  return { run, steps: [], stages, plan, azure };
}

function closingStages(plan: RunPlan): string[] {
  return plan.outcome === 'failed' || plan.outcome === 'expired' ? ['finish'] : ['message', 'finish'];
}

/** The events a stream starts with for a new run. */
export function creationEvents(record: RunRecord): RunEvent[] {
  return [
    ['thread.run.created', copy(record.run)],
    ['thread.run.queued', copy(record.run)],
  ];
}

/** Applies the next stage (one poll); returns the events it made. Nothing happens in a waiting or terminal state. */
export function advance(state: AssistantsState, record: RunRecord): RunEvent[] {
  const stage = record.stages.shift();
  if (!stage) return [];
  if (stage === 'in_progress') return startProgress(record);
  if (stage.startsWith('tool:')) return builtinStep(record, record.plan.builtinCalls[Number(stage.slice(5))]);
  if (stage === 'requires_action') return requireAction(record);
  if (stage === 'message') return createMessage(state, record);
  if (stage === 'cancelled') return cancelNow(state, record);
  return finish(state, record);
}

/** Records tool outputs; the run is queued again and continues. Returns an error message when refused. */
export function acceptToolOutputs(record: RunRecord, outputs: Json[]): string | undefined {
  const { run } = record;
  if (run.status !== 'requires_action') return `Runs in status "${run.status}" do not accept tool outputs.`;
  const expected = record.plan.functionCalls.map((c) => c.id);
  const given = outputs.map((o) => o?.tool_call_id);
  const missing = expected.filter((id) => !given.includes(id));
  if (missing.length)
    return `Expected tool outputs for call_ids ${JSON.stringify(expected)}, got ${JSON.stringify(given)}`;
  for (const call of record.plan.functionCalls) {
    call.function.output = String(outputs.find((o) => o.tool_call_id === call.id)?.output ?? '');
  }
  record.plan.reply = `The tool returned: ${record.plan.functionCalls.map((c) => c.function.output).join('; ')}`;
  run.status = 'queued';
  run.required_action = null;
  record.stages = ['in_progress', ...closingStages(record.plan)];
  return undefined;
}

/** Starts cancelling; the next poll (or the stream) finds the run cancelled. */
export function requestCancel(record: RunRecord): string | undefined {
  if (TERMINAL.has(record.run.status) || record.run.status === 'cancelling') {
    return `Cannot cancel run with status '${record.run.status}'.`;
  }
  record.run.status = 'cancelling';
  record.stages = ['cancelled'];
  return undefined;
}

function startProgress(record: RunRecord): RunEvent[] {
  const { run } = record;
  run.status = 'in_progress';
  run.started_at ??= unixSeconds();
  const events: RunEvent[] = [];
  for (const step of record.steps) {
    if (step.status === 'in_progress' && step.type === 'tool_calls') {
      completeStep(
        step,
        record.plan.promptTokens,
        step.step_details.tool_calls.reduce((n: number, c: Json) => n + callTokens(c), 0),
      );
      events.push(['thread.run.step.completed', copy(step)]);
    }
  }
  events.push(['thread.run.in_progress', copy(run)]);
  return events;
}

function newStep(record: RunRecord, type: string, details: Json): Json {
  const step: Json = {
    id: makeId('step_'),
    object: 'thread.run.step',
    created_at: unixSeconds(),
    run_id: record.run.id,
    assistant_id: record.run.assistant_id,
    thread_id: record.run.thread_id,
    type,
    status: 'in_progress',
    cancelled_at: null,
    completed_at: null,
    expired_at: null,
    failed_at: null,
    last_error: null,
    step_details: details,
    usage: null,
  };
  record.steps.push(step);
  return step;
}

function completeStep(step: Json, prompt: number, completion: number): void {
  step.status = 'completed';
  step.completed_at = unixSeconds();
  step.usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** A tool call as it is first announced in a stream: no results or outputs yet. */
function pendingCall(call: Json): Json {
  if (call.type === 'file_search') return { id: call.id, type: call.type, file_search: {} };
  if (call.type === 'code_interpreter')
    return { id: call.id, type: call.type, code_interpreter: { input: '', outputs: [] } };
  return { ...call, function: { ...call.function, arguments: '', output: null } };
}

/** A tool call as a stream delta: array entries carry their `index`, file search results come with the completed step. */
function callDelta(call: Json, index: number): Json {
  if (call.type === 'file_search') return { index, id: call.id, type: call.type, file_search: {} };
  if (call.type === 'code_interpreter') {
    const { input, outputs } = call.code_interpreter;
    return {
      index,
      id: call.id,
      type: call.type,
      code_interpreter: { input, outputs: outputs.map((o: Json, i: number) => ({ index: i, ...o })) },
    };
  }
  return { index, ...copy(call) };
}

function builtinStep(record: RunRecord, call: Json): RunEvent[] {
  const step = newStep(record, 'tool_calls', { type: 'tool_calls', tool_calls: [pendingCall(call)] });
  const events: RunEvent[] = [
    ['thread.run.step.created', copy(step)],
    ['thread.run.step.in_progress', copy(step)],
    ['thread.run.step.delta', stepDelta(step.id, callDelta(call, 0))],
  ];
  step.step_details.tool_calls = [copy(call)];
  completeStep(step, record.plan.promptTokens, callTokens(call));
  events.push(['thread.run.step.completed', copy(step)]);
  return events;
}

function requireAction(record: RunRecord): RunEvent[] {
  const calls = record.plan.functionCalls;
  const step = newStep(record, 'tool_calls', { type: 'tool_calls', tool_calls: calls.map(pendingCall) });
  const events: RunEvent[] = [
    ['thread.run.step.created', copy(step)],
    ['thread.run.step.in_progress', copy(step)],
  ];
  for (const [index, call] of calls.entries()) {
    events.push(['thread.run.step.delta', stepDelta(step.id, callDelta(call, index))]);
  }
  step.step_details.tool_calls = calls;
  record.run.status = 'requires_action';
  record.run.required_action = {
    type: 'submit_tool_outputs',
    submit_tool_outputs: {
      tool_calls: calls.map((c) => ({
        id: c.id,
        type: 'function',
        function: { name: c.function.name, arguments: c.function.arguments },
      })),
    },
  };
  events.push(['thread.run.requires_action', copy(record.run)]);
  return events;
}

const stepDelta = (id: string, toolCall: Json): Json => ({
  id,
  object: 'thread.run.step.delta',
  delta: { step_details: { type: 'tool_calls', tool_calls: [toolCall] } },
});

function createMessage(state: AssistantsState, record: RunRecord): RunEvent[] {
  const { run, plan } = record;
  const { text } = replyText(plan);
  const message: Json = {
    id: makeId('msg_'),
    object: 'thread.message',
    created_at: unixSeconds(),
    assistant_id: run.assistant_id,
    thread_id: run.thread_id,
    run_id: run.id,
    role: 'assistant',
    content: [],
    attachments: [],
    metadata: {},
    status: 'in_progress',
    incomplete_details: null,
    completed_at: null,
    incomplete_at: null,
  };
  const list = state.messages.get(run.thread_id) ?? [];
  state.messages.set(run.thread_id, list);
  list.push(message);
  const step = newStep(record, 'message_creation', {
    type: 'message_creation',
    message_creation: { message_id: message.id },
  });
  const events: RunEvent[] = [
    ['thread.run.step.created', copy(step)],
    ['thread.run.step.in_progress', copy(step)],
    ['thread.message.created', copy(message)],
    ['thread.message.in_progress', copy(message)],
  ];
  for (const value of splitIntoChunks(text, plan.chunks)) {
    events.push([
      'thread.message.delta',
      {
        id: message.id,
        object: 'thread.message.delta',
        delta: { content: [{ index: 0, type: 'text', text: { value, annotations: [] } }] },
      },
    ]);
  }
  message.content = [textPart(text)];
  return events;
}

/** The reply as far as it gets: cut by `max_completion_tokens` or (Azure) stopped by the content filter. */
function replyText(plan: RunPlan): { text: string; cut?: 'max_tokens' | 'content_filter' } {
  if (plan.contentFilter) return { text: '', cut: 'content_filter' };
  // The `run-outcome: incomplete` knob stops the reply halfway, as a token limit would.
  const max =
    plan.maxCompletionTokens ??
    (plan.outcome === 'incomplete' ? Math.ceil(countTokens(plan.reply) / 2) : undefined);
  const limited = truncateTokens(plan.reply, max);
  if (limited.truncated || plan.outcome === 'incomplete') return { text: limited.text, cut: 'max_tokens' };
  return { text: plan.reply };
}

function finish(state: AssistantsState, record: RunRecord): RunEvent[] {
  const { run, plan } = record;
  const now = unixSeconds();
  const events: RunEvent[] = [];
  const message = findRunMessage(state, record);
  const { cut } = replyText(plan);
  if (message) {
    const produced = countTokens(message.content.map((p: Json) => p.text?.value ?? '').join(''));
    if (cut) {
      message.status = 'incomplete';
      message.incomplete_at = now;
      message.incomplete_details = { reason: cut };
      if (cut === 'content_filter') message.content_filter_results = filterResults(plan.contentFilter!);
      events.push(['thread.message.incomplete', copy(message)]);
    } else {
      message.status = 'completed';
      message.completed_at = now;
      events.push(['thread.message.completed', copy(message)]);
    }
    const step = record.steps.find((s) => s.step_details.message_creation?.message_id === message.id)!;
    completeStep(step, plan.promptTokens, produced);
    events.push(['thread.run.step.completed', copy(step)]);
  }
  if (plan.outcome === 'failed' || plan.outcome === 'expired') {
    for (const step of record.steps.filter((s) => s.status === 'in_progress')) {
      step.status = plan.outcome;
      if (plan.outcome === 'failed') {
        step.failed_at = now;
        step.last_error = { ...plan.error };
      } else step.expired_at = now;
      events.push([`thread.run.step.${plan.outcome}`, copy(step)]);
    }
  }
  run.status = plan.outcome === 'completed' && cut ? 'incomplete' : plan.outcome;
  if (run.status === 'completed') run.completed_at = now;
  if (run.status === 'failed') {
    run.failed_at = now;
    run.last_error = { ...plan.error };
  }
  if (run.status === 'incomplete') {
    run.incomplete_details = {
      reason: cut === 'content_filter' ? 'content_filter' : 'max_completion_tokens',
    };
  }
  run.usage = totalUsage(record.steps);
  events.push([`thread.run.${run.status}`, copy(run)]);
  return events;
}

function cancelNow(state: AssistantsState, record: RunRecord): RunEvent[] {
  const now = unixSeconds();
  const events: RunEvent[] = [];
  for (const step of record.steps.filter((s) => s.status === 'in_progress')) {
    step.status = 'cancelled';
    step.cancelled_at = now;
    events.push(['thread.run.step.cancelled', copy(step)]);
  }
  const message = findRunMessage(state, record);
  if (message && message.status === 'in_progress') {
    message.status = 'incomplete';
    message.incomplete_at = now;
    message.incomplete_details = { reason: 'run_cancelled' };
  }
  record.run.status = 'cancelled';
  record.run.cancelled_at = now;
  record.run.required_action = null;
  record.run.usage = totalUsage(record.steps);
  events.push(['thread.run.cancelled', copy(record.run)]);
  return events;
}

function findRunMessage(state: AssistantsState, record: RunRecord): Json | undefined {
  return state.messages
    .get(record.run.thread_id)
    ?.find((m) => m.run_id === record.run.id && m.status === 'in_progress');
}

function totalUsage(steps: Json[]): Json {
  const sum = (key: string) => steps.reduce((n, s) => n + (s.usage?.[key] ?? 0), 0);
  return {
    prompt_tokens: sum('prompt_tokens'),
    completion_tokens: sum('completion_tokens'),
    total_tokens: sum('total_tokens'),
  };
}

/** Azure's content-filter annotation with one category flagged (the others safe). */
function filterResults(category: string): Json {
  const safe = { filtered: false, severity: 'safe' };
  const results: Json = {
    hate: { ...safe },
    self_harm: { ...safe },
    sexual: { ...safe },
    violence: { ...safe },
  };
  results[category] = { filtered: true, severity: 'high' };
  return results;
}
