import { ConsoleDestination } from './destinations/console.js';
import { DatabricksDestination } from './destinations/databricks/databricks-destination.js';
import { MemoryDestination } from './destinations/memory.js';
import { MlflowDestination } from './destinations/mlflow/mlflow-destination.js';
import { OtlpDestination } from './destinations/otlp/otlp-destination.js';
import { AutologError } from './errors.js';
import { defaultStorePath, LocalStore } from './store/index.js';
import { LocalStoreDestination } from './store/local-store-destination.js';
import type { Destination } from './types.js';

export interface DestinationContext {
  experimentId?: string;
  experimentName?: string;
}

const FORMS =
  'a Destination object, or one of: a file path or sqlite:///path (local store), memory, console, http(s)://host (MLflow), databricks or databricks://profile, otlp+http(s)://host[:port][/path] or otlp (OTEL_EXPORTER_OTLP_* settings)';

/** Resolves the `destination` option or an environment URI to destination objects. Throws `AutologError`. */
export function resolveDestination(spec: unknown, ctx: DestinationContext): Destination {
  if (spec && typeof spec === 'object') {
    const d = spec as Destination;
    if (typeof d.export !== 'function' || typeof d.name !== 'string') {
      throw new AutologError(
        'INVALID_DESTINATION',
        `destination object must have a string "name" and an "export(traces)" method; got ${describe(spec)}. Expected ${FORMS}.`,
      );
    }
    return d;
  }
  if (typeof spec !== 'string' || !spec.trim()) {
    throw new AutologError('INVALID_DESTINATION', `destination must be ${FORMS}; got ${describe(spec)}.`);
  }
  const uri = spec.trim();
  if (uri === 'memory') return new MemoryDestination();
  if (uri === 'console') return new ConsoleDestination();
  if (uri.startsWith('sqlite://'))
    return openStore(uri.slice('sqlite://'.length).replace(/^\/(?=\/)/, '') || defaultStorePath(), ctx);
  if (uri.startsWith('file://')) return openStore(new URL(uri).pathname, ctx);
  if (/^https?:\/\//i.test(uri))
    return new MlflowDestination({
      trackingUri: uri,
      experimentId: ctx.experimentId,
      experimentName: ctx.experimentName,
    });
  if (/^databricks(:\/\/|$)/.test(uri))
    return new DatabricksDestination({
      uri,
      experimentId: ctx.experimentId,
      experimentName: ctx.experimentName,
    });
  if (uri === 'otlp') return new OtlpDestination();
  if (/^otlp\+https?:\/\//i.test(uri))
    return new OtlpDestination({ url: otlpUrl(uri.slice('otlp+'.length)) });
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw new AutologError(
      'UNKNOWN_DESTINATION',
      `unknown destination "${redactUri(uri)}". Expected ${FORMS}.`,
    );
  }
  return openStore(uri, ctx);
}

function openStore(path: string, ctx: DestinationContext): LocalStore {
  try {
    return new LocalStoreDestination({
      path,
      experimentId: ctx.experimentId,
      experimentName: ctx.experimentName,
    });
  } catch (err) {
    if (err instanceof AutologError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    if (/experiment/i.test(message) && /not (found|exist)/i.test(message)) {
      throw new AutologError('EXPERIMENT_NOT_FOUND', message, { cause: err });
    }
    const hint = 'Set AUTOLOG_STORE or the destination option to a writable file path.';
    const text = message.includes(path)
      ? message
      : `cannot open the local trace store at "${path}": ${message}.`;
    throw new AutologError('STORE_NOT_WRITABLE', text.includes('AUTOLOG_STORE') ? text : `${text} ${hint}`, {
      cause: err,
    });
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** Hides credentials in a URI for messages. */
function redactUri(uri: string): string {
  return uri.replace(/\/\/[^/@]*@/, '//***@');
}

/** `otlp+http://host:4318` sends to `/v1/traces`; a URI with a path is used as it is. */
function otlpUrl(url: string): string {
  const u = new URL(url);
  return u.pathname === '/' || u.pathname === '' ? `${u.origin}/v1/traces${u.search}` : url;
}

/**
 * The destination URI the environment asks for, if any: `AUTOLOG_DESTINATION`, then
 * `MLFLOW_TRACKING_URI` (a server, `databricks`, or a local path), then `otlp` when an
 * `OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT` is set (the exporter reads those variables itself),
 * then `AUTOLOG_STORE`.
 */
export function destinationFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.AUTOLOG_DESTINATION) return env.AUTOLOG_DESTINATION;
  if (env.MLFLOW_TRACKING_URI) return env.MLFLOW_TRACKING_URI;
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT) return 'otlp';
  if (env.AUTOLOG_STORE) return env.AUTOLOG_STORE;
  return undefined;
}

/** A one-line description of a destination for the startup log (never a credential). */
export function describeDestination(d: Destination): string {
  if (d instanceof LocalStore) return `local store ${d.path}`;
  if (d instanceof DatabricksDestination) return `Databricks ${d.trackingUri} (${d.configSource})`;
  if (d instanceof MlflowDestination) return `MLflow ${d.trackingUri}`;
  if (d instanceof OtlpDestination) return `OTLP ${d.url} (${d.protocol})`;
  return d.name;
}
