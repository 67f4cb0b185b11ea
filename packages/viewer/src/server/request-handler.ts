/**
 * Routes one request: the Host check for everything, the write checks for POSTs, then the page
 * shell, the bundled assets, the event stream or the JSON API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApiContext, handleApi } from './api-routes.js';
import { HttpError, sendError } from './http-util.js';
import type { LiveEvents } from './live-events.js';
import { applySecurityHeaders, checkWrite, type HostPolicy } from './security.js';
import { FAVICON_SVG, indexHtml, type UiAsset } from './ui-assets.js';

export interface HandlerContext extends ApiContext {
  token: string;
  hosts: HostPolicy;
  assets: Map<string, UiAsset>;
  live: LiveEvents;
  onError: (error: unknown) => void;
}

function sendText(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

function serveAsset(req: IncomingMessage, res: ServerResponse, asset: UiAsset): void {
  const headers = { etag: asset.etag, 'cache-control': 'no-cache' };
  if (req.headers['if-none-match'] === asset.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  sendText(res, 200, asset.contentType, asset.body, headers);
}

async function route(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  applySecurityHeaders(res);
  if (!ctx.hosts.accepts(req)) {
    throw new HttpError(
      421,
      'UNKNOWN_HOST',
      `This viewer does not answer to Host "${req.headers.host ?? ''}"; open the URL it printed.`,
    );
  }
  const method = req.method ?? 'GET';
  if (method === 'POST') {
    const refusal = checkWrite(req, ctx.token);
    if (refusal) throw new HttpError(refusal.status, refusal.code, refusal.message);
  } else if (method !== 'GET' && method !== 'HEAD') {
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not supported.`);
  }
  const url = new URL(req.url ?? '/', 'http://viewer.invalid');
  const path = url.pathname;
  if (method !== 'POST' && (path === '/' || path === '/index.html')) {
    sendText(res, 200, 'text/html; charset=utf-8', indexHtml(ctx.token, ctx.assets), {
      'cache-control': 'no-store',
    });
    return;
  }
  if (method !== 'POST' && path.startsWith('/assets/')) {
    const asset = ctx.assets.get(path.slice('/assets/'.length));
    if (asset) return serveAsset(req, res, asset);
  }
  if (method !== 'POST' && path === '/favicon.svg') {
    sendText(res, 200, 'image/svg+xml', FAVICON_SVG, { 'cache-control': 'max-age=86400' });
    return;
  }
  if (method === 'GET' && path === '/api/events') {
    ctx.live.subscribe(req, res);
    return;
  }
  if (path.startsWith('/api/') && (await handleApi(ctx, req, res, url))) return;
  throw new HttpError(404, 'NOT_FOUND', `Nothing at ${method} ${path}.`);
}

/** The `request` listener of the viewer's server. Never throws: failures become JSON errors. */
export function createRequestHandler(
  ctx: HandlerContext,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    route(ctx, req, res).catch((error: unknown) => {
      const http =
        error instanceof HttpError
          ? error
          : new HttpError(500, 'INTERNAL', 'The viewer failed to answer; see its log.');
      if (!(error instanceof HttpError)) ctx.onError(error);
      if (res.headersSent) res.end();
      else sendError(res, http);
    });
  };
}
