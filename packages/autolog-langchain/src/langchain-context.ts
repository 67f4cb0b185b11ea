import { type LiveSpan, registerParentResolver } from './core.js';
import { getRun } from './run-registry.js';

// Keys @langchain/core (0.3 and 1.x) registers under `Symbol.for`, shared by every copy it has.
const ALS_KEY = Symbol.for('ls:tracing_async_local_storage');
const CHILD_CONFIG_KEY = Symbol.for('lc:child_config');

interface Storage {
  getStore(): any;
}

/**
 * The span of the LangChain run whose code is executing (a `RunnableLambda`, a tool's function,
 * a LangGraph node), read from the run config LangChain keeps in its AsyncLocalStorage. Lets spans
 * made inside that code — `trace()`d functions, `@autolog/openai` calls — nest under the run.
 */
export function currentRunSpan(): LiveSpan | undefined {
  const storage = (globalThis as Record<symbol, Storage | undefined>)[ALS_KEY];
  if (!storage) return undefined;
  const callbacks = storage.getStore()?.extra?.[CHILD_CONFIG_KEY]?.callbacks;
  if (!callbacks) return undefined;
  const runId =
    typeof callbacks.getParentRunId === 'function' ? callbacks.getParentRunId() : callbacks._parentRunId;
  return typeof runId === 'string' ? getRun(runId)?.span : undefined;
}

let installed = false;

/** Registers `currentRunSpan` with core once per process copy of this package. */
export function installParentResolver(): void {
  if (installed) return;
  installed = true;
  registerParentResolver(currentRunSpan);
}
