import { SpanAttributeKey, SpanType } from './core.js';

/** LangChain's tag for internal runs (LangGraph's channel writes, branches, start node). */
export const HIDDEN_TAG = 'langsmith:hidden';

const AGENT_CLASS = /(AgentExecutor|ActionAgent|RunnableAgent)$/;

/** The last element of a serialized runnable's `id` (its class name). */
function className(serialized: any): string | undefined {
  const id = serialized?.id;
  return Array.isArray(id) && typeof id[id.length - 1] === 'string' ? id[id.length - 1] : undefined;
}

/** Span name of a run: the run name (LangGraph node names, `withConfig({ runName })`), else the class. */
export function spanName(serialized: any, runName: string | undefined, fallback: string): string {
  if (typeof runName === 'string' && runName) return runName;
  if (typeof serialized?.name === 'string' && serialized.name) return serialized.name;
  return className(serialized) ?? fallback;
}

/** Span type of a chain run: `PARSER` for output parsers, `AGENT` for agent executors, else `CHAIN`. */
export function chainSpanType(serialized: any, runType: string | undefined): string {
  if (runType === 'parser') return SpanType.PARSER;
  const id = serialized?.id;
  if (Array.isArray(id)) {
    if (id.includes('output_parsers')) return SpanType.PARSER;
    const cls = className(serialized);
    if (cls && AGENT_CLASS.test(cls)) return SpanType.AGENT;
  }
  return SpanType.CHAIN;
}

/** True for a LangGraph graph run (a compiled graph or Pregel, not one of its nodes). */
export function isGraphRun(serialized: any): boolean {
  const id = serialized?.id;
  return Array.isArray(id) && id[0] === 'langgraph' && /Graph$|^Pregel$/.test(className(serialized) ?? '');
}

/** Attributes of a model run known at its start: parameters, model, provider, tools. */
export function modelStartAttributes(
  serialized: any,
  extraParams: any,
  metadata: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const params = extraParams?.invocation_params;
  const attributes: Record<string, unknown> = { [SpanAttributeKey.MESSAGE_FORMAT]: 'langchain' };
  if (params && typeof params === 'object') {
    const { tools, ...rest } = params as Record<string, unknown>;
    attributes.invocation_params = rest;
    if (Array.isArray(tools) && tools.length) attributes[SpanAttributeKey.TOOLS] = tools;
  }
  const kwargs = serialized?.kwargs;
  const model =
    params?.model ??
    params?.model_name ??
    params?.modelName ??
    metadata?.ls_model_name ??
    kwargs?.model ??
    kwargs?.model_name;
  if (typeof model === 'string' && model) attributes[SpanAttributeKey.MODEL] = model;
  const provider = metadata?.ls_provider;
  if (typeof provider === 'string' && provider) attributes[SpanAttributeKey.PROVIDER] = provider;
  return attributes;
}

/** The LangGraph thread (conversation) id of a run, used as the trace's session. */
export function threadIdOf(metadata: Record<string, unknown> | undefined): string | undefined {
  const id = metadata?.thread_id ?? metadata?.session_id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}
