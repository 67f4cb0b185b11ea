import { contentFilterAttributes } from './content-filter.js';
import { type LiveSpan, SpanAttributeKey, usageFromOpenAI } from './core.js';
import { toChatMessage } from './messages.js';

/** An `AzureOpenAI` client (it carries the `api-version` it sends). */
export function isAzure(client: any): boolean {
  return typeof client?.apiVersion === 'string' && client.apiVersion !== '';
}

/** Model, instructions and tools as the run reports them (they may differ from the assistant's). */
export function recordRunFields(
  span: LiveSpan,
  run: any,
  how: { azure: boolean; captureContent: boolean },
): void {
  if (typeof run.model === 'string') {
    span.setAttribute(SpanAttributeKey.MODEL, run.model);
    // Azure's Assistants API names the deployment in `model`.
    if (how.azure) span.setAttribute('azure.deployment', run.model);
  }
  if (how.captureContent && typeof run.instructions === 'string') {
    span.setAttribute('assistants.instructions', run.instructions);
  }
  if (Array.isArray(run.tools) && run.tools.length && span.attributes[SpanAttributeKey.TOOLS] === undefined) {
    span.setAttribute(SpanAttributeKey.TOOLS, run.tools);
  }
}

/**
 * What a run ended with: token usage, `last_error`, `incomplete_details`, Azure's content
 * filtering, the reply messages as outputs, and the status (ERROR for `failed` and `expired`).
 */
export function recordRunOutcome(span: LiveSpan, run: any, replies: any[], captureContent: boolean): void {
  const usage = usageFromOpenAI(run.usage);
  if (usage) span.setAttribute(SpanAttributeKey.TOKEN_USAGE, usage);
  if (run.last_error) span.setAttribute('assistants.last_error', run.last_error);
  if (run.incomplete_details) span.setAttribute('assistants.incomplete_details', run.incomplete_details);
  for (const annotated of [run, ...replies]) span.setAttributes(contentFilterAttributes(annotated));
  if (captureContent && replies.length) span.setOutputs({ messages: replies.map(toChatMessage) });
  if (run.status === 'failed') {
    const e = run.last_error;
    span.setStatus('ERROR', e ? `${e.code}: ${e.message}` : 'run failed');
  } else if (run.status === 'expired') span.setStatus('ERROR', 'run expired');
}
