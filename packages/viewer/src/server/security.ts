/**
 * Request checks and response headers that keep the viewer local:
 * - every request must name this server in `Host` (blocks DNS-rebinding pages from reading traces);
 * - writes must be same-origin JSON requests carrying the per-session token that only the
 *   served page knows (blocks cross-site request forgery from any other page or local app);
 * - a Content-Security-Policy that lets the page talk to this server only.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLoopback } from './options.js';

/** Header that carries the session token on writes. */
export const TOKEN_HEADER = 'x-autolog-token';

/** Headers on every response: nothing may be loaded from or sent to another origin. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** A fresh random token for one viewer session (256 bits, URL-safe). */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A refused request: HTTP status, stable code and a message saying why. */
export interface Refusal {
  status: number;
  code: string;
  message: string;
}

/**
 * Decides which `Host` headers name this server. On a loopback or specific address: that
 * address and the loopback names with the bound port. On a wildcard address (`0.0.0.0`, `::`)
 * any name, since the machine's names are unknown; writes still need the token.
 */
export class HostPolicy {
  private readonly allowed: Set<string> | undefined;

  constructor(host: string, port: number) {
    if (host === '0.0.0.0' || host === '::') {
      this.allowed = undefined;
      return;
    }
    const names = ['127.0.0.1', 'localhost', '[::1]'];
    if (!isLoopback(host)) names.push(host.includes(':') ? `[${host}]` : host);
    this.allowed = new Set(names.map((name) => `${name}:${port}`.toLowerCase()));
  }

  /** Whether the request's `Host` header names this server. */
  accepts(req: IncomingMessage): boolean {
    const host = req.headers.host?.toLowerCase();
    if (!host) return false;
    return this.allowed === undefined || this.allowed.has(host);
  }
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Checks a write (POST): same origin (`Origin` equal to `http://<Host>`, and `Sec-Fetch-Site`
 * `same-origin` when the browser sends it), a JSON body, and the session token.
 * @returns undefined when the write may proceed, else why it is refused.
 */
export function checkWrite(req: IncomingMessage, token: string): Refusal | undefined {
  const origin = req.headers.origin;
  if (!origin || origin !== `http://${req.headers.host}`) {
    return {
      status: 403,
      code: 'CROSS_ORIGIN',
      message: 'Writes must come from the viewer page itself (same origin).',
    };
  }
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') {
    return {
      status: 403,
      code: 'CROSS_ORIGIN',
      message: `Writes must be same-origin requests, got Sec-Fetch-Site: ${site}.`,
    };
  }
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    return {
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'Writes must send a JSON body (Content-Type: application/json).',
    };
  }
  const given = req.headers[TOKEN_HEADER];
  if (typeof given !== 'string' || !sameToken(given, token)) {
    return {
      status: 403,
      code: 'BAD_TOKEN',
      message: 'Missing or wrong session token; reload the viewer page.',
    };
  }
  return undefined;
}

/** Sets {@link SECURITY_HEADERS} on a response. */
export function applySecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}
