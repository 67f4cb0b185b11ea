import { coreSettings, describeError, diag, readEnvFlag } from './core.js';
import { installParentResolver } from './langchain-context.js';
import { type RecorderSettings, RunRecorder } from './run-recorder.js';
import type { LangChainAutologOptions } from './types.js';

/** The name LangChain dedupes handlers by: one Autolog handler per run, explicit or global. */
export const HANDLER_NAME = 'autolog_tracer';

/** Internal: how the global handler is told whether its plugin is enabled. */
export interface HandlerControl {
  active(): boolean;
  settings: RecorderSettings;
}

/** Settings from explicit options, then the environment, then the core setting. */
export function settingsFrom(options: LangChainAutologOptions): RecorderSettings {
  const capture = options.captureContent ?? readEnvFlag('AUTOLOG_LANGCHAIN_CAPTURE_CONTENT');
  const hidden = options.recordHiddenRuns ?? readEnvFlag('AUTOLOG_LANGCHAIN_HIDDEN_RUNS') ?? false;
  return { captureContent: () => capture ?? coreSettings().captureContent, recordHiddenRuns: () => hidden };
}

const ALWAYS: () => boolean = () => true;

/** Runs hook code so that a failure is logged once and never reaches LangChain or the app. */
function guard(method: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    diag.once(
      'error',
      `langchain-handler:${method}`,
      `langchain: recording ${method} failed: ${describeError(err)}`,
    );
  }
}

/**
 * A LangChain callback handler that records every run as an Autolog span: chains and runnables,
 * chat models and LLMs (messages, parameters, token usage, time to first token), tools,
 * retrievers, output parsers, agents and LangGraph graphs and nodes. `autolog()` registers one
 * globally; pass one explicitly to trace single calls. It keeps no state for finished runs.
 *
 * @example
 * import { AutologCallbackHandler } from '@autolog/langchain';
 * const handler = new AutologCallbackHandler();
 * await chain.invoke({ question }, { callbacks: [handler] });
 */
export class AutologCallbackHandler {
  readonly name = HANDLER_NAME;
  /**
   * Always true: LangChain then calls the handler before the run proceeds, in the caller's async
   * context, so spans start in order and a root run finds the app's current span as its parent.
   */
  readonly awaitHandlers = true;
  readonly raiseError = false;
  readonly lc_serializable = false;
  private readonly recorder: RunRecorder;
  private readonly active: () => boolean;

  /** `control` is internal: the plugin's global handler follows the plugin's state and options. */
  constructor(options: LangChainAutologOptions = {}, control?: HandlerControl) {
    this.active = control?.active ?? ALWAYS;
    this.recorder = new RunRecorder(control?.settings ?? settingsFrom(options));
    installParentResolver();
  }

  // LangChain skips a handler whose ignore flag is set: a disabled global handler costs nothing.
  get ignoreLLM(): boolean {
    return !this.active();
  }
  get ignoreChain(): boolean {
    return !this.active();
  }
  get ignoreAgent(): boolean {
    return !this.active();
  }
  get ignoreRetriever(): boolean {
    return !this.active();
  }
  get ignoreCustomEvent(): boolean {
    return !this.active();
  }

  /** The handler holds no per-run state of its own, so a copy is the handler itself. */
  copy(): this {
    return this;
  }

  toJSON(): Record<string, unknown> {
    return { lc: 1, type: 'not_implemented', id: ['autolog', 'callbacks', 'AutologCallbackHandler'] };
  }

  handleChainStart(
    chain: any,
    inputs: unknown,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runType?: string,
    runName?: string,
  ): void {
    guard('handleChainStart', () =>
      this.recorder.chainStart(chain, inputs, runId, parentRunId, tags, metadata, runType, runName),
    );
  }
  handleChainEnd(
    outputs: unknown,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    kwargs?: unknown,
  ): void {
    guard('handleChainEnd', () => this.recorder.chainEnd(outputs, runId, kwargs));
  }
  handleChainError(error: unknown, runId: string): void {
    guard('handleChainError', () => this.recorder.runError(error, runId));
  }

  handleChatModelStart(
    llm: any,
    messages: unknown[][],
    runId: string,
    parentRunId?: string,
    extraParams?: unknown,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    guard('handleChatModelStart', () =>
      this.recorder.modelStart(
        'chat',
        llm,
        messages?.[0],
        runId,
        parentRunId,
        extraParams,
        tags,
        metadata,
        runName,
      ),
    );
  }
  handleLLMStart(
    llm: any,
    prompts: string[],
    runId: string,
    parentRunId?: string,
    extraParams?: unknown,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    guard('handleLLMStart', () =>
      this.recorder.modelStart('llm', llm, prompts, runId, parentRunId, extraParams, tags, metadata, runName),
    );
  }
  handleLLMNewToken(_token: string, _idx: unknown, runId: string): void {
    guard('handleLLMNewToken', () => this.recorder.newToken(runId));
  }
  handleLLMEnd(output: unknown, runId: string): void {
    guard('handleLLMEnd', () => this.recorder.modelEnd(output, runId));
  }
  handleLLMError(error: unknown, runId: string): void {
    guard('handleLLMError', () => this.recorder.runError(error, runId));
  }

  handleToolStart(
    tool: any,
    input: string,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
    toolCallId?: string,
  ): void {
    guard('handleToolStart', () =>
      this.recorder.toolStart(tool, input, runId, parentRunId, tags, metadata, runName, toolCallId),
    );
  }
  handleToolEnd(output: unknown, runId: string): void {
    guard('handleToolEnd', () => this.recorder.toolEnd(output, runId));
  }
  handleToolError(error: unknown, runId: string): void {
    guard('handleToolError', () => this.recorder.runError(error, runId));
  }

  handleRetrieverStart(
    retriever: any,
    query: string,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    guard('handleRetrieverStart', () =>
      this.recorder.retrieverStart(retriever, query, runId, parentRunId, tags, metadata, runName),
    );
  }
  handleRetrieverEnd(documents: unknown, runId: string): void {
    guard('handleRetrieverEnd', () => this.recorder.retrieverEnd(documents, runId));
  }
  handleRetrieverError(error: unknown, runId: string): void {
    guard('handleRetrieverError', () => this.recorder.runError(error, runId));
  }

  handleAgentAction(action: unknown, runId: string): void {
    guard('handleAgentAction', () => this.recorder.agentEvent('agent_action', action, runId));
  }
  handleAgentEnd(finish: unknown, runId: string): void {
    guard('handleAgentEnd', () => this.recorder.agentEvent('agent_finish', finish, runId));
  }
  handleCustomEvent(eventName: string, data: unknown, runId: string): void {
    guard('handleCustomEvent', () => this.recorder.customEvent(eventName, data, runId));
  }
}
