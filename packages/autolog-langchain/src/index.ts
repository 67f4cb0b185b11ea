import type { PluginStatus } from './core.js';
import { LangChainPlugin } from './langchain-plugin.js';
import type { LangChainAutologOptions } from './types.js';

const KEY = Symbol.for('autolog.langchain.plugin');
const g = globalThis as unknown as Record<symbol, LangChainPlugin | undefined>;
/** The one LangChain integration of the process (shared by every copy of this package). */
g[KEY] ??= new LangChainPlugin();
export const langchainPlugin: LangChainPlugin = g[KEY];

/**
 * Traces every LangChain.js and LangGraph run — chains, models, tools, retrievers, agents, graphs —
 * with no handler passed anywhere. Call it once at the top of the app; idempotent. Returns what
 * was patched.
 *
 * @example
 * import { autolog } from '@autolog/langchain';
 * await autolog();
 * const chain = prompt.pipe(new ChatOpenAI({ model: 'gpt-4o-mini' })).pipe(new StringOutputParser());
 * await chain.invoke({ topic: 'tracing' }); // one trace: RunnableSequence > prompt, model, parser
 */
export function autolog(options?: LangChainAutologOptions): Promise<PluginStatus> {
  langchainPlugin.configure(options);
  // Before any await, so LangChain's configure hook lands in the caller's async context.
  langchainPlugin.enableSync();
  return langchainPlugin.enable();
}

/** Stops tracing: the global handler goes inert and the patched methods are restored. */
export function disable(): void {
  langchainPlugin.disable();
}

export { AutologCallbackHandler } from './callback-handler.js';
export type { PluginStatus } from './core.js';
export { LangChainPlugin } from './langchain-plugin.js';
export type { LangChainAutologOptions } from './types.js';
