/**
 * Options of `startViewer`, checked and completed with their defaults.
 */
import { existsSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { ViewerError } from './viewer-error.js';

/** Where log lines of the viewer go (default: `console`). */
export interface ViewerLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface ViewerOptions {
  /** The local store's SQLite file (for example `./.autolog/traces.db`). It must exist. */
  storePath: string;
  /**
   * Interface to listen on. Default `127.0.0.1` (this machine only). Any other address is an
   * explicit choice that exposes your traces to the network; the viewer logs a warning.
   */
  host?: string;
  /** TCP port; default `0` (a free port, see the returned `url`). */
  port?: number;
  /** Show only this experiment (it must exist in the store). Default: a picker over all experiments. */
  experimentId?: string;
  /** `sourceId` of feedback given in the viewer (`sourceType` is always `HUMAN`). Default: the OS user name. */
  reviewer?: string;
  /** How often the store is checked for new traces, in ms (default 1000). */
  pollIntervalMs?: number;
  /** Default: `console`. */
  logger?: ViewerLogger;
}

export interface ResolvedOptions {
  storePath: string;
  host: string;
  port: number;
  experimentId: string | undefined;
  reviewer: string;
  pollIntervalMs: number;
  logger: ViewerLogger;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Whether `host` only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

function invalid(message: string): ViewerError {
  return new ViewerError('INVALID_OPTION', `startViewer: ${message}`);
}

function defaultReviewer(): string {
  try {
    return userInfo().username || 'viewer';
  } catch {
    return 'viewer';
  }
}

/**
 * Checks the options and fills in defaults.
 * @throws ViewerError `INVALID_OPTION` for a bad option, `STORE_NOT_FOUND` when the file is missing.
 */
export function resolveOptions(options: ViewerOptions): ResolvedOptions {
  if (!options || typeof options !== 'object')
    throw invalid('expects an options object such as { storePath: ".autolog/traces.db" }.');
  const { storePath, host = '127.0.0.1', port = 0, experimentId, reviewer, pollIntervalMs = 1000 } = options;
  if (typeof storePath !== 'string' || storePath === '') {
    throw invalid(
      '"storePath" must be the path of the local trace store (default location: ./.autolog/traces.db).',
    );
  }
  const path = resolve(storePath);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new ViewerError(
      'STORE_NOT_FOUND',
      `No trace store at "${path}". Run your app with Autolog first (traces go to ./.autolog/traces.db, or AUTOLOG_STORE), then point storePath at that file.`,
    );
  }
  if (typeof host !== 'string' || host === '')
    throw invalid(`"host" must be an interface address such as 127.0.0.1, got ${JSON.stringify(host)}.`);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw invalid(`"port" must be an integer from 0 to 65535, got ${JSON.stringify(port)}.`);
  if (experimentId !== undefined && (typeof experimentId !== 'string' || experimentId === '')) {
    throw invalid(`"experimentId" must be a non-empty string, got ${JSON.stringify(experimentId)}.`);
  }
  if (reviewer !== undefined && (typeof reviewer !== 'string' || reviewer.trim() === '')) {
    throw invalid(`"reviewer" must be a non-empty string, got ${JSON.stringify(reviewer)}.`);
  }
  if (!Number.isInteger(pollIntervalMs) || pollIntervalMs < 50) {
    throw invalid(
      `"pollIntervalMs" must be an integer of at least 50, got ${JSON.stringify(pollIntervalMs)}.`,
    );
  }
  return {
    storePath: path,
    host: host === '[::1]' ? '::1' : host,
    port,
    experimentId,
    reviewer: reviewer?.trim() ?? defaultReviewer(),
    pollIntervalMs,
    logger: options.logger ?? console,
  };
}
