import type { AzureTarget } from './types.js';

/** Where a URL path points: the API-relative path, and the Azure parts when it is an Azure path. */
export interface ApiTarget {
  apiPath: string;
  azure?: AzureTarget;
}

const DEPLOYMENT_PATH = /^\/openai\/deployments\/([^/]+)(\/.*)$/;

/**
 * Maps `/v1/x`, `/openai/v1/x` (Azure v1 API), `/openai/deployments/{d}/x` and `/openai/x` (Azure,
 * with `api-version`) to the API-relative `/x`. `undefined` means the path is not an API path;
 * `'missing-api-version'` is Azure's 404 for a dated path without `api-version`.
 */
export function resolveApiPath(
  pathname: string,
  query: Record<string, string>,
): ApiTarget | 'missing-api-version' | undefined {
  if (pathname.startsWith('/v1/')) return { apiPath: pathname.slice(3) };
  if (pathname.startsWith('/openai/v1/')) {
    return { apiPath: pathname.slice(10), azure: { v1: true, apiVersion: query['api-version'] } };
  }
  if (!pathname.startsWith('/openai/')) return undefined;
  const apiVersion = query['api-version'];
  if (!apiVersion) return 'missing-api-version';
  const deployment = DEPLOYMENT_PATH.exec(pathname);
  if (deployment) {
    return {
      apiPath: deployment[2],
      azure: { v1: false, apiVersion, deployment: decodeURIComponent(deployment[1]) },
    };
  }
  return { apiPath: pathname.slice(7), azure: { v1: false, apiVersion } };
}

const safe = () => ({ filtered: false, severity: 'safe' });
const notDetected = () => ({ filtered: false, detected: false });

function harmCategories() {
  return { hate: safe(), self_harm: safe(), sexual: safe(), violence: safe() };
}

/** Azure's `prompt_filter_results` for an unflagged prompt. */
export function promptFilterResults() {
  return [{ prompt_index: 0, content_filter_results: { ...harmCategories(), jailbreak: notDetected() } }];
}

/** Azure's per-choice `content_filter_results` for unflagged output. */
export function choiceFilterResults() {
  return {
    ...harmCategories(),
    protected_material_code: notDetected(),
    protected_material_text: notDetected(),
  };
}

/** Azure's gateway error shape for 401 and 429 (`{"error":{"code":"429","message":...}}`). */
export function azureGatewayErrorBody(
  status: number,
  retryAfter?: number,
): { error: { code: string; message: string } } | undefined {
  if (status === 401) {
    return {
      error: {
        code: '401',
        message:
          'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
      },
    };
  }
  if (status === 429) {
    const seconds = Math.max(1, Math.ceil(retryAfter ?? 1));
    return {
      error: {
        code: '429',
        message: `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after ${seconds} second${seconds === 1 ? '' : 's'}.`,
      },
    };
  }
  return undefined;
}
