/**
 * Test helpers: a temporary store folder, raw HTTP requests (so tests control Host and Origin),
 * and a logger that records what the viewer says.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ViewerLogger } from '../src/index.js';

/** A fresh folder with the path of a store file inside it, and its cleanup. */
export function tempStorePath(prefix = 'autolog-viewer-'): { path: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { path: join(dir, 'traces.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json<T = any>(): T;
}

/** One HTTP request with exactly the given headers (Node's fetch would not let us set Host). */
export function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
      });
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** The session token embedded in the served page. */
export async function pageToken(url: string): Promise<string> {
  const page = await raw(url);
  const match = /<meta name="autolog-token" content="([^"]+)">/.exec(page.body);
  if (!match) throw new Error('no token in the page');
  return match[1];
}

/** Headers of a legitimate write from the viewer page at `url`. */
export function writeHeaders(url: string, token: string): Record<string, string> {
  const origin = new URL(url).origin;
  return {
    'content-type': 'application/json',
    origin,
    'x-autolog-token': token,
    'sec-fetch-site': 'same-origin',
  };
}

/** A logger that keeps lines instead of printing them. */
export function recordingLogger(): ViewerLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info: ${m}`), warn: (m) => lines.push(`warn: ${m}`) };
}
