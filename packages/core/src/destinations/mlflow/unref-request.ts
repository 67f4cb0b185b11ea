import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: { get(name: string): string | null };
  text: string;
}

/** Keep-alive agents whose sockets never hold the process open (see `request`). */
const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: 16 }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 16 }),
};

/**
 * One HTTP(S) request whose socket is unref'd: an export in flight never keeps the process
 * alive by itself. At exit, the pipeline keeps it alive for the bounded flush instead (and
 * spools what did not make it), so a hanging server cannot hold the exit for a request timeout.
 */
export function request(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string | Uint8Array; signal: AbortSignal },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const https = u.protocol === 'https:';
    const body =
      init.body === undefined
        ? undefined
        : typeof init.body === 'string'
          ? Buffer.from(init.body)
          : init.body;
    const headers = { ...init.headers, ...(body ? { 'content-length': String(body.length) } : {}) };
    const req = (https ? httpsRequest : httpRequest)(
      u,
      { method: init.method, headers, agent: https ? agents.https : agents.http, signal: init.signal },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            text,
            headers: {
              get: (name: string) =>
                ((v) => (v === undefined ? null : Array.isArray(v) ? v.join(', ') : String(v)))(
                  res.headers[name.toLowerCase()],
                ),
            },
          });
        });
      },
    );
    req.on('socket', (socket: Socket) => socket.unref());
    req.on('error', reject);
    req.end(body);
  });
}
