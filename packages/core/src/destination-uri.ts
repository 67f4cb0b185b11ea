import { ConsoleDestination } from './destinations/console.js';
import { MemoryDestination } from './destinations/memory.js';
import { AutologError } from './errors.js';
import { LocalStore, defaultStorePath } from './store/index.js';
import type { Destination } from './types.js';

export interface DestinationContext {
  experimentId?: string;
  experimentName?: string;
}

const FORMS =
  'a Destination object, or one of: a file path or sqlite:///path (local store), memory, console, http(s)://host (MLflow), databricks, otlp+http(s)://host';

/** Resolves the `destination` option or an environment URI to destination objects. Throws `AutologError`. */
export function resolveDestination(spec: unknown, ctx: DestinationContext): Destination {
  if (spec && typeof spec === 'object') {
    const d = spec as Destination;
    if (typeof d.export !== 'function' || typeof d.name !== 'string') {
      throw new AutologError('INVALID_DESTINATION', `destination object must have a string "name" and an "export(traces)" method; got ${describe(spec)}. Expected ${FORMS}.`);
    }
    return d;
  }
  if (typeof spec !== 'string' || !spec.trim()) {
    throw new AutologError('INVALID_DESTINATION', `destination must be ${FORMS}; got ${describe(spec)}.`);
  }
  const uri = spec.trim();
  if (uri === 'memory') return new MemoryDestination();
  if (uri === 'console') return new ConsoleDestination();
  if (uri.startsWith('sqlite://')) return openStore(uri.slice('sqlite://'.length).replace(/^\/(?=\/)/, '') || defaultStorePath(), ctx);
  if (uri.startsWith('file://')) return openStore(new URL(uri).pathname, ctx);
  if (/^(https?:\/\/|databricks(:\/\/|$)|otlp\+https?:\/\/)/.test(uri)) {
    throw new AutologError('NOT_SUPPORTED', `destination "${redactUri(uri)}" (MLflow, Databricks and OTLP) is not available in this version of @autolog/core; use the local store (the default), memory, console or a custom Destination.`);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw new AutologError('UNKNOWN_DESTINATION', `unknown destination "${redactUri(uri)}". Expected ${FORMS}.`);
  }
  return openStore(uri, ctx);
}

function openStore(path: string, ctx: DestinationContext): LocalStore {
  try {
    return new LocalStore({ path, experimentId: ctx.experimentId, experimentName: ctx.experimentName });
  } catch (err) {
    if (err instanceof AutologError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    if (/experiment/i.test(message) && /not (found|exist)/i.test(message)) {
      throw new AutologError('EXPERIMENT_NOT_FOUND', message, { cause: err });
    }
    const hint = 'Set AUTOLOG_STORE or the destination option to a writable file path.';
    const text = message.includes(path) ? message : `cannot open the local trace store at "${path}": ${message}.`;
    throw new AutologError('STORE_NOT_WRITABLE', text.includes('AUTOLOG_STORE') ? text : `${text} ${hint}`, { cause: err });
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

/** The destination URI the environment asks for, if any. */
export function destinationFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.AUTOLOG_DESTINATION) return env.AUTOLOG_DESTINATION;
  if (env.MLFLOW_TRACKING_URI) return env.MLFLOW_TRACKING_URI;
  const otlp = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (otlp) return `otlp+${otlp}`;
  if (env.AUTOLOG_STORE) return env.AUTOLOG_STORE;
  return undefined;
}

/** A one-line description of a destination for the startup log. */
export function describeDestination(d: Destination): string {
  if (d instanceof LocalStore) return `local store ${d.path}`;
  return d.name;
}
