import type { IncomingHttpHeaders } from 'node:http';
import type { RequestKnobs } from './types.js';

// Test controls travel with the request, so one server can serve differently shaped calls:
// a header `x-testkit-<name>` or a body field `metadata.testkit_<name>` (header wins).
function read(headers: IncomingHttpHeaders, body: any, name: string): string | undefined {
  const header = headers[`x-testkit-${name}`];
  if (typeof header === 'string') return header;
  const value = body?.metadata?.[`testkit_${name.replace(/-/g, '_')}`];
  return value === undefined || value === null ? undefined : String(value);
}

function readNumber(headers: IncomingHttpHeaders, body: any, name: string): number | undefined {
  const raw = read(headers, body, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Per-request knobs; `defaults` are the server options. */
export function readKnobs(
  headers: IncomingHttpHeaders,
  body: any,
  defaults: { chunkDelayMs: number; latencyMs: number },
): RequestKnobs & { latencyMs: number } {
  const reply = read(headers, body, 'reply');
  return {
    chunks: readNumber(headers, body, 'chunks'),
    chunkDelayMs: readNumber(headers, body, 'chunk-delay-ms') ?? defaults.chunkDelayMs,
    latencyMs: readNumber(headers, body, 'latency-ms') ?? defaults.latencyMs,
    // Headers are ASCII-only, so the header form is URI-encoded.
    reply:
      reply === undefined
        ? undefined
        : typeof headers['x-testkit-reply'] === 'string'
          ? safeDecode(reply)
          : reply,
    cachedTokens: readNumber(headers, body, 'cached-tokens'),
    reasoningTokens: readNumber(headers, body, 'reasoning-tokens'),
  };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
