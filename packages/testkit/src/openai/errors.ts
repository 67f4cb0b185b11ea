import type { ErrorFields } from './types.js';

const DEFAULTS: Record<number, ErrorFields> = {
  400: { message: 'Invalid request.', type: 'invalid_request_error', param: null, code: null },
  401: {
    message:
      'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_api_key',
  },
  403: {
    message: 'You are not allowed to perform this request.',
    type: 'invalid_request_error',
    param: null,
    code: null,
  },
  404: {
    message: 'The model does not exist or you do not have access to it.',
    type: 'invalid_request_error',
    param: null,
    code: 'model_not_found',
  },
  409: {
    message: 'The request conflicts with the resource state.',
    type: 'invalid_request_error',
    param: null,
    code: null,
  },
  422: { message: 'Unprocessable entity.', type: 'invalid_request_error', param: null, code: null },
  429: {
    message:
      'Rate limit reached for requests in organization org-testkit on requests per min (RPM): Limit 3, Used 3, Requested 1. Visit https://platform.openai.com/account/rate-limits to learn more.',
    type: 'requests',
    param: null,
    code: 'rate_limit_exceeded',
  },
  500: {
    message: 'The server had an error while processing your request. Sorry about that!',
    type: 'server_error',
    param: null,
    code: null,
  },
  503: {
    message: 'The engine is currently overloaded, please try again later.',
    type: 'server_error',
    param: null,
    code: null,
  },
};

/** OpenAI's error body, `{"error":{"message","type","param","code"}}`, with defaults for the status. */
export function openAIErrorBody(status: number, fields: Partial<ErrorFields> = {}): { error: ErrorFields } {
  const base =
    DEFAULTS[status] ??
    (status >= 500
      ? DEFAULTS[500]
      : {
          message: `Request failed with status ${status}.`,
          type: 'invalid_request_error',
          param: null,
          code: null,
        });
  return {
    error: {
      message: fields.message ?? base.message,
      type: fields.type === undefined ? base.type : fields.type,
      param: fields.param === undefined ? base.param : fields.param,
      code: fields.code === undefined ? base.code : fields.code,
    },
  };
}

/** OpenAI's answer to a missing key (no `Authorization` header at all). */
export const MISSING_KEY_MESSAGE =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.";

/** OpenAI's 404 for a path it does not serve. */
export function invalidUrlBody(method: string, path: string): { error: ErrorFields } {
  return openAIErrorBody(404, { message: `Invalid URL (${method} ${path})`, code: null });
}

/** OpenAI's 400 for a missing required body parameter. */
export function missingParameter(param: string): Partial<ErrorFields> {
  return { message: `Missing required parameter: '${param}'.`, param, code: 'missing_required_parameter' };
}
