/**
 * `startViewer`: opens the store, serves the UI and the API, and returns the URL.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LiveEvents } from './live-events.js';
import { isLoopback, resolveOptions, type ViewerOptions } from './options.js';
import { createRequestHandler } from './request-handler.js';
import { HostPolicy, newSessionToken } from './security.js';
import { loadUiAssets } from './ui-assets.js';
import { ViewerStore } from './viewer-store.js';

/** A running viewer. */
export interface Viewer {
  /** Where to open it, e.g. `http://127.0.0.1:5173/`. */
  url: string;
  host: string;
  port: number;
  /** Stops serving (open pages are disconnected) and closes the store. Idempotent. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Serves the local trace viewer over a store file: the trace list with search, the trace view
 * (span tree, waterfall, span details, conversation), feedback, sessions and analytics, updated
 * live as the app writes traces. Listens on 127.0.0.1 unless told otherwise.
 *
 * @throws ViewerError `STORE_NOT_FOUND`, `STORE_OPEN_FAILED`, `INVALID_OPTION` or `UI_NOT_BUILT`,
 *   before anything listens; the listen error (e.g. `EADDRINUSE`) when the port is taken.
 * @example
 * import { startViewer } from '@autolog/viewer';
 * const viewer = await startViewer({ storePath: '.autolog/traces.db', port: 5000 });
 * console.log(`Autolog viewer at ${viewer.url}`);
 * process.on('SIGINT', () => viewer.close());
 */
export async function startViewer(options: ViewerOptions): Promise<Viewer> {
  const o = resolveOptions(options);
  const assets = loadUiAssets();
  const data = new ViewerStore(o.storePath, o.experimentId);
  const onError = (error: unknown) =>
    o.logger.warn(
      `autolog viewer: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  const live = new LiveEvents(() => data.dataVersion(), o.pollIntervalMs, onError);
  const token = newSessionToken();
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    data.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  server.on(
    'request',
    createRequestHandler({
      data,
      reviewer: o.reviewer,
      fixedExperiment: o.experimentId,
      storePath: o.storePath,
      token,
      hosts: new HostPolicy(o.host, port),
      assets,
      live,
      onError,
    }),
  );
  if (!isLoopback(o.host)) {
    o.logger.warn(
      `autolog viewer: listening on ${o.host}:${port}, reachable from other machines. Anyone who can reach it can read every trace in ${o.storePath}; use host 127.0.0.1 unless you mean it.`,
    );
  }
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(o.host)}:${port}/`,
    host: o.host,
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        live.close();
        server.close(() => {
          data.close();
          resolve();
        });
        server.closeAllConnections();
      })),
  };
}
