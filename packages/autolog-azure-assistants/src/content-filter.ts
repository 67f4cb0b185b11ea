import type {
  ContentFilterResultsForChoiceOutput,
  ContentFilterResultsForPromptOutput,
} from '@azure/openai/types';

/** Azure-only annotations of a run, step or message (fields the `openai` types do not declare). */
interface AzureAnnotated {
  content_filter_results?: ContentFilterResultsForChoiceOutput;
  prompt_filter_results?: ContentFilterResultsForPromptOutput[];
  incomplete_details?: { reason?: string } | null;
  last_error?: { code?: string } | null;
}

/**
 * Span attributes for Azure's content filtering of an Assistants object: its
 * `content_filter_results` / `prompt_filter_results` as sent, and `azure.content_filtered` when a
 * category was filtered or the object stopped because of the filter (`incomplete_details.reason`
 * or `last_error.code` = `content_filter`). Empty for objects Azure did not annotate.
 */
export function contentFilterAttributes(object: unknown): Record<string, unknown> {
  const o = (object ?? {}) as AzureAnnotated;
  const out: Record<string, unknown> = {};
  if (o.content_filter_results) out['azure.content_filter_results'] = o.content_filter_results;
  if (o.prompt_filter_results) out['azure.prompt_filter_results'] = o.prompt_filter_results;
  const stopped =
    o.incomplete_details?.reason === 'content_filter' || o.last_error?.code === 'content_filter';
  if (
    stopped ||
    anyFiltered(o.content_filter_results) ||
    (o.prompt_filter_results ?? []).some((p) => anyFiltered(p?.content_filter_results))
  ) {
    out['azure.content_filtered'] = true;
  }
  return out;
}

function anyFiltered(results: object | undefined): boolean {
  if (!results || typeof results !== 'object') return false;
  return Object.values(results).some(
    (r) => r && typeof r === 'object' && (r as { filtered?: unknown }).filtered === true,
  );
}
