import { AzureAssistantsPlugin } from './assistants-plugin.js';
import type { PluginStatus } from './core.js';
import type { AzureAssistantsAutologOptions } from './types.js';

const KEY = Symbol.for('autolog.azure-assistants.plugin');
const g = globalThis as unknown as Record<symbol, AzureAssistantsPlugin | undefined>;
/** The one Assistants integration of the process (shared by every copy of this package). */
export const assistantsPlugin: AzureAssistantsPlugin = g[KEY] ?? (g[KEY] = new AzureAssistantsPlugin());

/**
 * Traces every Assistants run of the `openai` package — `AzureOpenAI` and `OpenAI`, loaded with
 * `import` or `require`, before or after this call: one trace per run, with its steps, reply and
 * token usage, the thread as the session. Idempotent; returns what was patched.
 *
 * @example
 * import { autolog } from '@autolog/azure-assistants';
 * await autolog();
 * const run = await client.beta.threads.runs.createAndPoll(thread.id, { assistant_id }); // one trace
 */
export function autolog(options?: AzureAssistantsAutologOptions): Promise<PluginStatus> {
  assistantsPlugin.configure(options);
  return assistantsPlugin.enable();
}

/**
 * Stops tracing runs and restores the original SDK methods; runs still being followed are ended
 * (marked `assistants.untracked`).
 *
 * @example
 * disable();
 */
export function disable(): void {
  assistantsPlugin.disable();
}

/**
 * Traces the Assistants calls of one client: for bundled apps where the `openai` module cannot be
 * patched. Returns the same client.
 *
 * @example
 * const client = wrapAssistants(new AzureOpenAI({ endpoint, apiKey, apiVersion: '2024-05-01-preview' }));
 */
export function wrapAssistants<T>(client: T, options?: AzureAssistantsAutologOptions): T {
  if (options) assistantsPlugin.configure(options);
  return assistantsPlugin.wrap(client);
}

export { AzureAssistantsPlugin } from './assistants-plugin.js';
export type { PluginStatus } from './core.js';
export type { AzureAssistantsAutologOptions } from './types.js';
