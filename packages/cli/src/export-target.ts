/**
 * Where `autolog export --to` sends traces: an MLflow server (`http(s)://…`), Databricks
 * (`databricks[://profile]`), an OpenTelemetry collector (`otlp+http(s)://…`, or `otlp` for the
 * `OTEL_EXPORTER_OTLP_*` settings) or a JSONL file (`jsonl:<path>`, or a path ending `.jsonl`).
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import * as core from '@autolog/core';
import { DatabricksDestination, type Destination, MlflowDestination, OtlpDestination } from '@autolog/core';
import { usageError } from './errors.js';
import { JsonlDestination } from './jsonl-destination.js';

export interface ExportTarget {
  /** Names the target in the checkpoint file: the URI without credentials (and the experiment). */
  key: string;
  /** How the target is shown in messages (never a credential). */
  label: string;
  destination: Destination;
}

export interface ExportTargetOptions {
  /** Start the JSONL file over instead of appending to it. */
  restart: boolean;
  /** The experiment on the server (created by name if missing). */
  experimentName?: string;
}

const FORMS =
  'http(s)://host[:port] (MLflow), databricks or databricks://profile, otlp+http(s)://host[:port][/path], jsonl:<path> or a path ending in .jsonl';

type ResolveDestination = (
  uri: string,
  ctx: { experimentId?: string; experimentName?: string },
) => Destination;

/**
 * Core's resolver of destination URIs when this version of `@autolog/core` exports it (the
 * same forms `init({ destination })` takes); otherwise the same mapping onto the exported
 * destination classes.
 */
function resolveUri(uri: string, experimentName: string | undefined): Destination {
  const fromCore = (core as unknown as { resolveDestination?: ResolveDestination }).resolveDestination;
  if (typeof fromCore === 'function') return fromCore(uri, { experimentName });
  if (/^https?:\/\//i.test(uri)) return new MlflowDestination({ trackingUri: uri, experimentName });
  if (/^databricks(:\/\/|$)/.test(uri)) return new DatabricksDestination({ uri, experimentName });
  if (uri === 'otlp') return new OtlpDestination();
  const otlp = new URL(uri.slice('otlp+'.length));
  return new OtlpDestination({
    url: otlp.pathname === '/' ? `${otlp.origin}/v1/traces${otlp.search}` : otlp.href,
  });
}

/** Hides `user:password@` in a URI. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/[^/@]*@/, '//***@');
}

export async function openExportTarget(to: string, options: ExportTargetOptions): Promise<ExportTarget> {
  const spec = to.trim();
  if (spec.startsWith('jsonl:') || /\.jsonl$/i.test(spec)) {
    const raw = spec.startsWith('jsonl:') ? spec.slice('jsonl:'.length) : spec;
    const path = resolve(raw);
    if (!raw.trim() || (existsSync(path) && statSync(path).isDirectory())) {
      throw usageError(`--to "${spec}": a JSONL destination needs a file path, e.g. jsonl:./traces.jsonl`);
    }
    return {
      key: `jsonl:${path}`,
      label: path,
      destination: await JsonlDestination.open(path, { restart: options.restart }),
    };
  }
  if (!/^(https?:\/\/|databricks(:\/\/|$)|otlp$|otlp\+https?:\/\/)/i.test(spec)) {
    throw usageError(`unknown destination "${redactUri(spec)}"; expected ${FORMS}`);
  }
  const label = redactUri(spec).replace(/\/+$/, '');
  const experiment = options.experimentName === undefined ? '' : ` experiment ${options.experimentName}`;
  let destination: Destination;
  try {
    destination = resolveUri(spec, options.experimentName);
  } catch (error) {
    if (error instanceof core.AutologError) throw error;
    throw usageError(
      `--to "${redactUri(spec)}": ${error instanceof Error ? error.message : String(error)}; expected ${FORMS}`,
    );
  }
  return { key: `${label}${experiment}`, label: `${label}${experiment}`, destination };
}
