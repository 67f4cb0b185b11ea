import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveAllFromApp } from './core.js';

/** The parts of one loaded copy of `@langchain/core` (its CommonJS or its ESM build) the plugin patches. */
export interface LangChainModules {
  context: any;
  manager: any;
  chatModels: any;
  llms: any;
}

const SUBPATHS = {
  context: 'context',
  manager: 'callbacks/manager',
  chatModels: 'language_models/chat_models',
  llms: 'language_models/llms',
} as const;

export interface LocatedLangChain {
  version: string;
  require: NodeJS.Require;
  /** Directory of `@langchain/core`'s package.json. */
  dir: string;
  exports: Record<string, unknown>;
}

/**
 * Every copy of `@langchain/core` the app can load, with its version: the plugin's own peer, and
 * those the working directory and the entry script resolve (with pnpm, packages whose peer
 * dependencies differ get copies of their own). Empty when it is not installed.
 */
export function locateLangChains(): LocatedLangChain[] {
  return resolveAllFromApp('@langchain/core', import.meta.url).map((resolved) => {
    const pkg = JSON.parse(readFileSync(resolved.packageJson, 'utf8'));
    return {
      version: String(pkg.version ?? 'unknown'),
      require: resolved.require,
      dir: dirname(resolved.packageJson),
      exports: pkg.exports ?? {},
    };
  });
}

/** Path of a subpath's ESM build, from the package's `exports` (0.3: `"import": "./x.js"`; 1.x: `{ import: { default } }`). */
function esmPath(located: LocatedLangChain, subpath: string): string | undefined {
  const entry = located.exports[`./${subpath}`] as any;
  const pick = (v: any): string | undefined =>
    typeof v === 'string' ? v : v && typeof v === 'object' ? pick(v.default) : undefined;
  const rel = pick(entry?.import);
  return rel ? join(located.dir, rel) : undefined;
}

function collect(load: (subpath: string) => any): LangChainModules {
  return {
    context: load(SUBPATHS.context),
    manager: load(SUBPATHS.manager),
    chatModels: load(SUBPATHS.chatModels),
    llms: load(SUBPATHS.llms),
  };
}

/** The CommonJS build, loaded (or found in the cache) with the app's `require`. */
export function loadCommonJs(located: LocatedLangChain): LangChainModules {
  return collect((subpath) => located.require(`@langchain/core/${subpath}`));
}

/**
 * The ESM build, loaded synchronously with `require(esm)` (Node ≥ 20.19): the same module
 * instances `import` returns. Undefined where `require(esm)` is unavailable.
 */
export function loadEsmSync(located: LocatedLangChain): LangChainModules | undefined {
  if (!(process.features as { require_module?: boolean }).require_module) return undefined;
  const paths = collect((subpath) => esmPath(located, subpath));
  if (!paths.context || !paths.manager || !paths.chatModels || !paths.llms) return undefined;
  return collect((subpath) => located.require(esmPath(located, subpath) as string));
}

/** The ESM build, imported. */
export async function loadEsm(located: LocatedLangChain): Promise<LangChainModules | undefined> {
  const entries = await Promise.all(
    (Object.keys(SUBPATHS) as Array<keyof typeof SUBPATHS>).map(async (key) => {
      const path = esmPath(located, SUBPATHS[key]);
      return [key, path ? await import(pathToFileURL(path).href) : undefined] as const;
    }),
  );
  const modules = Object.fromEntries(entries) as unknown as LangChainModules;
  return modules.manager ? modules : undefined;
}
