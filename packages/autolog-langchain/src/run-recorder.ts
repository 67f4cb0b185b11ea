import { type LiveSpan, SpanAttributeKey, SpanType, startSpan } from './core.js';
import { finishReasonsOf, generationsRecord, responseModelOf, tokenUsageOf } from './llm-result.js';
import { isMessage, toChatMessage, toDocumentRecord, toRecordable } from './messages.js';
import {
  chainSpanType,
  HIDDEN_TAG,
  isGraphRun,
  modelStartAttributes,
  spanName,
  threadIdOf,
} from './run-kind.js';
import { addRun, enclosingGraph, getRun, type RunState, takeRun } from './run-registry.js';

/** What a recorder reads on every run (so `autolog(options)` can change it later). */
export interface RecorderSettings {
  captureContent(): boolean;
  recordHiddenRuns(): boolean;
}

type Metadata = Record<string, unknown> | undefined;

const SESSION_KEY = 'mlflow.trace.session';
const USER_KEY = 'mlflow.trace.user';
const TOOL_CALL_ID = 'gen_ai.tool.call.id';

/**
 * Turns LangChain run events into spans. The parent of a run's span is the span of its
 * `parentRunId`; a run without a known parent becomes a child of the current Autolog span, or the
 * root of a new trace. Each run's state lives in the shared registry from start to end only.
 */
export class RunRecorder {
  constructor(private readonly settings: RecorderSettings) {}

  chainStart(
    serialized: any,
    inputs: unknown,
    runId: string,
    parentRunId: string | undefined,
    tags: string[] | undefined,
    metadata: Metadata,
    runType: string | undefined,
    runName: string | undefined,
  ): void {
    const graph = isGraphRun(serialized);
    this.start(
      runId,
      parentRunId,
      tags,
      metadata,
      spanName(serialized, runName, 'chain'),
      chainSpanType(serialized, runType),
      inputs,
      undefined,
      graph,
    );
  }

  chainEnd(outputs: unknown, runId: string, kwargs: any): void {
    const state = takeRun(runId);
    if (!state?.span || state.hidden) return;
    // Streaming runnables report their inputs only at the end.
    if (kwargs?.inputs !== undefined && this.settings.captureContent())
      state.span.setInputs(toRecordable(kwargs.inputs));
    this.end(state.span, outputs);
  }

  modelStart(
    kind: 'chat' | 'llm',
    serialized: any,
    input: unknown,
    runId: string,
    parentRunId: string | undefined,
    extraParams: any,
    tags: string[] | undefined,
    metadata: Metadata,
    runName: string | undefined,
  ): void {
    const spanType = kind === 'chat' ? SpanType.CHAT_MODEL : SpanType.LLM;
    const inputs =
      kind === 'chat'
        ? { messages: Array.isArray(input) ? input.map((m) => (isMessage(m) ? toChatMessage(m) : m)) : input }
        : { prompts: input };
    const state = this.start(
      runId,
      parentRunId,
      tags,
      metadata,
      spanName(serialized, runName, kind),
      spanType,
      inputs,
      modelStartAttributes(serialized, extraParams, metadata),
    );
    if (state) state.startedAt = performance.now();
  }

  newToken(runId: string): void {
    const state = getRun(runId);
    if (!state?.span || state.firstToken || state.startedAt === undefined || state.hidden) return;
    state.firstToken = true;
    state.span.setAttribute(
      SpanAttributeKey.TIME_TO_FIRST_TOKEN_MS,
      Math.round((performance.now() - state.startedAt) * 1000) / 1000,
    );
  }

  modelEnd(output: any, runId: string): void {
    const state = takeRun(runId);
    if (!state?.span || state.hidden) return;
    const span = state.span;
    const usage = tokenUsageOf(output);
    if (usage) span.setAttribute(SpanAttributeKey.TOKEN_USAGE, usage);
    const model = responseModelOf(output);
    if (model) span.setAttribute(SpanAttributeKey.MODEL, model);
    const reasons = finishReasonsOf(output);
    if (reasons) span.setAttribute('gen_ai.response.finish_reasons', reasons);
    if (this.settings.captureContent()) span.setOutputs(generationsRecord(output));
    span.end();
  }

  toolStart(
    serialized: any,
    input: unknown,
    runId: string,
    parentRunId: string | undefined,
    tags: string[] | undefined,
    metadata: Metadata,
    runName: string | undefined,
    toolCallId: string | undefined,
  ): void {
    const attributes = toolCallId ? { [TOOL_CALL_ID]: toolCallId } : undefined;
    const state = this.start(
      runId,
      parentRunId,
      tags,
      metadata,
      spanName(serialized, runName, 'tool'),
      SpanType.TOOL,
      parseToolInput(input),
      attributes,
    );
    // A graph that runs tools is an agent (LangGraph's createReactAgent, a StateGraph with a ToolNode).
    if (state?.span) {
      const graph = enclosingGraph(parentRunId)?.span;
      if (graph && graph.spanType === SpanType.CHAIN) graph.setSpanType(SpanType.AGENT);
    }
  }

  retrieverStart(
    serialized: any,
    query: string,
    runId: string,
    parentRunId: string | undefined,
    tags: string[] | undefined,
    metadata: Metadata,
    runName: string | undefined,
  ): void {
    this.start(
      runId,
      parentRunId,
      tags,
      metadata,
      spanName(serialized, runName, 'retriever'),
      SpanType.RETRIEVER,
      { query },
    );
  }

  retrieverEnd(documents: unknown, runId: string): void {
    const state = takeRun(runId);
    if (!state?.span || state.hidden) return;
    this.end(state.span, Array.isArray(documents) ? documents.map(toDocumentRecord) : documents, true);
  }

  toolEnd(output: any, runId: string): void {
    const state = takeRun(runId);
    if (!state?.span || state.hidden) return;
    // @langchain/core 0.3 does not pass the tool call id at start; its tool message carries it.
    if (typeof output?.tool_call_id === 'string' && state.span.attributes[TOOL_CALL_ID] === undefined)
      state.span.setAttribute(TOOL_CALL_ID, output.tool_call_id);
    this.end(state.span, output);
  }

  runError(error: unknown, runId: string): void {
    const state = takeRun(runId);
    if (!state?.span || state.hidden) return;
    const span = state.span;
    if ((error as { is_bubble_up?: unknown })?.is_bubble_up === true) {
      // LangGraph's interrupts and parent commands unwind through runs by design; not failures.
      span.addEvent('langgraph.bubble_up', {
        type: (error as Error)?.name ?? 'GraphBubbleUp',
        message: String((error as Error)?.message ?? ''),
      });
    } else {
      span.recordException(error);
    }
    span.end();
  }

  agentEvent(name: 'agent_action' | 'agent_finish', payload: any, runId: string): void {
    const span = getRun(runId)?.span;
    if (!span) return;
    if (span.spanType === SpanType.CHAIN) span.setSpanType(SpanType.AGENT);
    const attributes: Record<string, unknown> =
      name === 'agent_action'
        ? { tool: payload?.tool, tool_input: payload?.toolInput, log: payload?.log }
        : { return_values: payload?.returnValues, log: payload?.log };
    span.addEvent(name, this.settings.captureContent() ? attributes : { tool: payload?.tool });
  }

  customEvent(eventName: string, data: unknown, runId: string): void {
    getRun(runId)?.span?.addEvent(eventName, this.settings.captureContent() ? { data } : {});
  }

  private start(
    runId: string,
    parentRunId: string | undefined,
    tags: string[] | undefined,
    metadata: Metadata,
    name: string,
    spanType: string,
    inputs: unknown,
    attributes?: Record<string, unknown>,
    graph?: boolean,
  ): RunState | undefined {
    const parent = getRun(parentRunId);
    const createdAt = performance.now();
    if (Array.isArray(tags) && tags.includes(HIDDEN_TAG) && !this.settings.recordHiddenRuns()) {
      addRun(runId, { span: parent?.span, parentRunId, hidden: true, createdAt });
      return undefined;
    }
    const span = startSpan({ name, spanType, parent: parent?.span, attributes });
    if (span.isRecording) {
      if (this.settings.captureContent() && inputs !== undefined) span.setInputs(toRecordable(inputs));
      if (metadata) annotate(span, metadata);
    }
    const state: RunState = { span, parentRunId, createdAt };
    if (graph) state.graph = true;
    addRun(runId, state);
    return state;
  }

  private end(span: LiveSpan, outputs: unknown, plain = false): void {
    if (outputs !== undefined && this.settings.captureContent())
      span.setOutputs(plain ? outputs : toRecordable(outputs));
    span.end();
  }
}

/** LangGraph's node and step, and the thread and user ids as the trace's session and user. */
function annotate(span: LiveSpan, metadata: Record<string, unknown>): void {
  if (metadata.langgraph_node !== undefined) {
    span.setAttribute('langgraph.node', metadata.langgraph_node);
    if (metadata.langgraph_step !== undefined) span.setAttribute('langgraph.step', metadata.langgraph_step);
  }
  const thread = threadIdOf(metadata);
  const buffer = span.buffer;
  // A session or user set by the app (tracingContext, updateCurrentTrace) is kept.
  if (thread !== undefined && buffer.metadata?.[SESSION_KEY] === undefined)
    buffer.setMetadata(SESSION_KEY, thread);
  const user = metadata.user_id;
  if ((typeof user === 'string' || typeof user === 'number') && buffer.metadata?.[USER_KEY] === undefined)
    buffer.setMetadata(USER_KEY, String(user));
}

/** Tool input arrives as a string (objects JSON-encoded by LangChain): decode JSON objects back. */
function parseToolInput(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  const first = input.charCodeAt(0);
  if (first === 123 /* { */ || first === 91 /* [ */) {
    try {
      return JSON.parse(input);
    } catch {
      // not JSON after all
    }
  }
  return { input };
}
