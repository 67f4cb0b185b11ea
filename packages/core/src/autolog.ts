import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeError, diag } from './diag.js';
import { type InitOptions, init } from './init.js';

/** Whether `init` ran (or tracing already set itself up from the environment). */
function isInitialized(): boolean {
  const runtime = (globalThis as Record<symbol, { pipeline?: unknown } | undefined>)[
    Symbol.for('autolog.core.runtime')
  ];
  return runtime?.pipeline !== undefined;
}

/** The integrations `autolog()` knows, by name. */
export const INTEGRATIONS = {
  openai: '@autolog/openai',
  langchain: '@autolog/langchain',
  'azure-assistants': '@autolog/azure-assistants',
} as const;
export type IntegrationName = keyof typeof INTEGRATIONS;

export interface AutologOptions extends InitOptions {
  /** Only these integrations (default: every installed one). Env: `AUTOLOG_INTEGRATIONS=openai,langchain`. */
  integrations?: IntegrationName[];
  /** Options passed to each integration's own `autolog(options)`, by name. */
  integrationOptions?: Partial<Record<IntegrationName, Record<string, unknown>>>;
}

export interface AutologResult {
  enabled: Array<{ name: IntegrationName; patched: string[] }>;
  skipped: Array<{ name: IntegrationName; reason: string }>;
}

interface IntegrationModule {
  autolog(
    options?: Record<string, unknown>,
  ): Promise<{ enabled: boolean; patched: string[]; reason?: string }>;
}

/** Whether this process resolves the `source` export condition (running from TypeScript sources). */
const SOURCE_CONDITION =
  [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some(
    (a) => /^(--conditions|-C)=?source$/.test(a) || a === 'source',
  ) ||
  // This module itself runs from TypeScript sources (a workspace's tests): load integrations the same way.
  /\.ts$/.test(__filenameOrUrl() ?? '');

/** The ESM entry of a package as the app would resolve it (its package.json is exported). */
function esmEntry(req: NodeJS.Require, pkg: string): string | undefined {
  try {
    const manifestPath = req.resolve(`${pkg}/package.json`);
    const manifest = req(manifestPath) as { exports?: any; module?: string; main?: string };
    const root = manifest.exports?.['.'] ?? manifest.exports;
    const pick = (v: any): string | undefined =>
      typeof v === 'string'
        ? v
        : v && typeof v === 'object'
          ? ((SOURCE_CONDITION ? pick(v.source) : undefined) ?? pick(v.import) ?? pick(v.default))
          : undefined;
    const rel = pick(root) ?? manifest.module ?? manifest.main;
    return rel ? join(manifestPath, '..', rel) : undefined;
  } catch {
    return undefined;
  }
}

/** Loads an integration package as the app would see it (CommonJS first, so patching starts synchronously). */
async function loadIntegration(pkg: string): Promise<IntegrationModule | undefined> {
  const bases = [join(process.cwd(), 'noop.js'), process.argv[1], __filenameOrUrl()].filter(
    Boolean,
  ) as string[];
  for (const base of bases) {
    const req = createRequire(base);
    if (!SOURCE_CONDITION) {
      try {
        return req(pkg) as IntegrationModule;
      } catch {
        // not installed here, or an ESM-only build: try the ESM entry
      }
    }
    const entry = esmEntry(req, pkg);
    if (!entry) continue;
    try {
      return (await import(pathToFileURL(entry).href)) as IntegrationModule;
    } catch (err) {
      diag.debug(`${pkg} could not be loaded: ${describeError(err)}`);
    }
  }
  return undefined;
}

function __filenameOrUrl(): string | undefined {
  try {
    return import.meta.url;
  } catch {
    return undefined;
  }
}

/**
 * One-line setup: configures tracing (as `init`, when options other than `silent` are given or
 * `init` was not called yet) and enables every installed integration — `@autolog/openai`, `@autolog/langchain`,
 * `@autolog/azure-assistants` — or the ones named. Never throws for a missing integration:
 * the result (also logged in one line) says what was enabled and what was skipped and why.
 *
 * @example
 * import { autolog } from '@autolog/core';
 * await autolog(); // every OpenAI / LangChain / Assistants call from here on is traced
 */
export async function autolog(options: AutologOptions = {}): Promise<AutologResult> {
  const { integrations, integrationOptions, ...initOptions } = options;
  // `silent` alone only quiets the report: it does not replace a configuration made by `init`.
  const configures = Object.keys(initOptions).some((key) => key !== 'silent');
  if (configures || !isInitialized()) init(initOptions);
  const fromEnv = process.env.AUTOLOG_INTEGRATIONS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean) as IntegrationName[] | undefined;
  const wanted = new Set<string>(integrations ?? fromEnv ?? Object.keys(INTEGRATIONS));
  const result: AutologResult = { enabled: [], skipped: [] };
  for (const unknown of [...wanted].filter((n) => !(n in INTEGRATIONS))) {
    result.skipped.push({
      name: unknown as IntegrationName,
      reason: `unknown integration (known: ${Object.keys(INTEGRATIONS).join(', ')})`,
    });
  }
  for (const [name, pkg] of Object.entries(INTEGRATIONS) as Array<[IntegrationName, string]>) {
    if (!wanted.has(name)) continue;
    const mod = await loadIntegration(pkg);
    if (!mod || typeof mod.autolog !== 'function') {
      result.skipped.push({ name, reason: `${pkg} is not installed` });
      continue;
    }
    try {
      const status = await mod.autolog(integrationOptions?.[name]);
      if (status.enabled) result.enabled.push({ name, patched: status.patched });
      else result.skipped.push({ name, reason: status.reason ?? 'not enabled' });
    } catch (err) {
      result.skipped.push({ name, reason: `failed to enable: ${describeError(err)}` });
    }
  }
  if (!options.silent) {
    const on = result.enabled.map((e) => `${e.name}${e.patched.length ? ` (${e.patched.join(', ')})` : ''}`);
    const off = result.skipped.map((s) => `${s.name}: ${s.reason}`);
    diag.info(
      `autolog: ${on.length ? `tracing ${on.join(', ')}` : 'no integration enabled'}${off.length ? `; skipped ${off.join('; ')}` : ''}`,
    );
  }
  return result;
}
