import type { PluginStatus } from './core.js';
import { OpenAIPlugin } from './openai-plugin.js';
import type { OpenAIAutologOptions } from './types.js';

const KEY = Symbol.for('autolog.openai.plugin');
const g = globalThis as unknown as Record<symbol, OpenAIPlugin | undefined>;
/** The one OpenAI integration of the process (shared by every copy of this package). */
export const openaiPlugin: OpenAIPlugin = g[KEY] ?? (g[KEY] = new OpenAIPlugin());

/**
 * Traces every call of the `openai` package — whether it was loaded with `import` or
 * `require`, before or after this call. Idempotent; returns what was patched.
 *
 * @example
 * import { autolog } from '@autolog/openai';
 * await autolog();
 * const client = new OpenAI();
 * await client.chat.completions.create({ model: 'gpt-4o-mini', messages }); // traced, with token usage
 */
export function autolog(options?: OpenAIAutologOptions): Promise<PluginStatus> {
  openaiPlugin.configure(options);
  return openaiPlugin.enable();
}

/** Stops tracing and restores the original SDK methods. */
export function disable(): void {
  openaiPlugin.disable();
}

/**
 * Traces one client instance: for bundled apps where the `openai` module cannot be patched,
 * or to trace a copy loaded under another name. Returns the same client.
 *
 * @example
 * const client = wrapOpenAI(new OpenAI());
 */
export function wrapOpenAI<T>(client: T, options?: OpenAIAutologOptions): T {
  if (options) openaiPlugin.configure(options);
  return openaiPlugin.wrap(client);
}

export type { PluginStatus } from './core.js';
export { OpenAIPlugin } from './openai-plugin.js';
export { DEFAULT_PRICES } from './pricing.js';
export type { ModelPrice, OpenAIAutologOptions } from './types.js';
