import type { IncomingHttpHeaders } from 'node:http';
import type { AzureTarget, RecordedRequest } from './types.js';

const CREDENTIAL_HEADERS = new Set([
  'authorization',
  'api-key',
  'proxy-authorization',
  'x-api-key',
  'cookie',
]);
const PRESENT = '[present]';
const REDACTED = '[redacted]';

/**
 * Records a request with credentials removed: credential headers become `'[present]'`, and any
 * other occurrence of a key the request carried (or the server expects) becomes `'[redacted]'`.
 */
export function recordRequest(init: {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
  azure?: AzureTarget;
  apiKey?: string;
}): RecordedRequest {
  const secrets = credentialValues(init.headers, init.apiKey);
  const scrub = (value: string) => secrets.reduce((out, secret) => out.split(secret).join(REDACTED), value);

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(init.headers)) {
    if (value === undefined) continue;
    const joined = Array.isArray(value) ? value.join(', ') : value;
    headers[name] = CREDENTIAL_HEADERS.has(name) ? PRESENT : scrub(joined);
  }
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(init.query))
    query[name] = name === 'api-key' ? PRESENT : scrub(value);

  return {
    method: init.method,
    path: init.path,
    query,
    headers,
    body: deepScrub(init.body, scrub),
    ...(init.azure ? { azure: init.azure } : {}),
    response: { status: 0, stream: false, events: 0, aborted: false, finished: false },
  };
}

function credentialValues(headers: IncomingHttpHeaders, apiKey: string | undefined): string[] {
  const values = [apiKey, headers['api-key'], headers['x-api-key']];
  const auth = headers.authorization;
  if (typeof auth === 'string') values.push(auth, auth.replace(/^\s*\w+\s+/, ''));
  // Very short values would redact ordinary text; real keys are long.
  return values
    .filter((v): v is string => typeof v === 'string' && v.length >= 6)
    .sort((a, b) => b.length - a.length);
}

function deepScrub(value: unknown, scrub: (s: string) => string): unknown {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map((item) => deepScrub(item, scrub));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepScrub(v, scrub)]));
  }
  return value;
}
