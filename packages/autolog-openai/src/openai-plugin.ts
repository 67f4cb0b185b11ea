import { CALL_KINDS, type CallKind, type CallSettings, tracedMethod } from './calls.js';
import { AutologPlugin, coreSettings, readEnvFlag, unwrapMethod, wrapMethod } from './core.js';
import { DEFAULT_PRICES } from './pricing.js';
import { tracedRunTools } from './run-tools.js';
import type { ModelPrice, OpenAIAutologOptions } from './types.js';

const OWNER = 'autolog-openai';

/** Where each traced method lives: a resource class reachable from the OpenAI class. */
const TARGETS: Array<{ path: string[]; method: string; kind: CallKind }> = [
  { path: ['Chat', 'Completions'], method: 'create', kind: CALL_KINDS.chat },
  { path: ['Responses'], method: 'create', kind: CALL_KINDS.responses },
  { path: ['Embeddings'], method: 'create', kind: CALL_KINDS.embeddings },
  { path: ['Completions'], method: 'create', kind: CALL_KINDS.completions },
];

/** Where `runTools` lives on a client: `chat.completions` (5.x and later), `beta.chat.completions` (4.x). */
const RUN_TOOLS_RESOURCES = [
  ['chat', 'completions'],
  ['beta', 'chat', 'completions'],
];

/**
 * The prototypes that define `runTools`. 4.x does not hang its beta chat resource on the OpenAI
 * class, so they are read from a throwaway client (constructing one makes no request).
 */
function runToolsPrototypes(OpenAI: any): any[] {
  const found = new Set<any>();
  const fromClass = resolvePath(OpenAI, ['Chat', 'Completions'])?.prototype;
  if (typeof fromClass?.runTools === 'function') found.add(fromClass);
  if (found.size === 0) {
    let client: any;
    try {
      client = new OpenAI({ apiKey: 'unused', baseURL: 'http://127.0.0.1:9' });
    } catch {
      return [];
    }
    for (const path of RUN_TOOLS_RESOURCES) {
      const resource = resolvePath(client, path);
      const proto = resource && Object.getPrototypeOf(resource);
      if (typeof proto?.runTools === 'function') found.add(proto);
    }
  }
  return [...found];
}

type Replacement = ReturnType<typeof tracedMethod>;

/** The traced methods of one client instance: the resource object, the method, its replacement. */
function instanceMethods(client: unknown): Array<{
  resource: any;
  method: string;
  traced: (settings: CallSettings) => Replacement;
}> {
  const found = [];
  for (const target of TARGETS) {
    const resource = resolvePath(client, target.kind.resource.split('.'));
    if (resource)
      found.push({
        resource,
        method: target.method,
        traced: (s: CallSettings) => tracedMethod(target.kind, s),
      });
  }
  for (const path of RUN_TOOLS_RESOURCES) {
    const resource = resolvePath(client, path);
    if (resource) found.push({ resource, method: 'runTools', traced: tracedRunTools });
  }
  return found;
}

/** The OpenAI class of a module object (CommonJS `module.exports`, ESM namespace or default export). */
function clientClassOf(moduleExports: any): any {
  for (const candidate of [
    moduleExports?.OpenAI,
    moduleExports?.default?.OpenAI,
    moduleExports?.default,
    moduleExports,
  ]) {
    if (typeof candidate === 'function' && candidate.Chat) return candidate;
  }
  return undefined;
}

function resolvePath(root: any, path: string[]): any {
  return path.reduce((obj, key) => (obj ? obj[key] : undefined), root);
}

/**
 * Traces the `openai` package: chat completions (plain, streamed, and through `parse`,
 * `stream()` and `runTools`, which call `create` underneath), responses, embeddings and legacy
 * completions, on `OpenAI` and `AzureOpenAI` alike — by patching the resource classes' `create`.
 */
export class OpenAIPlugin extends AutologPlugin {
  readonly name = 'openai';
  readonly moduleName = 'openai';
  readonly supportedVersions = '>=4 <8';
  protected override readonly resolveFrom = import.meta.url;
  private options: OpenAIAutologOptions = {};
  private priceTable: Record<string, ModelPrice> = DEFAULT_PRICES;
  /** `AUTOLOG_OPENAI_CAPTURE_CONTENT`, read once per configuration (an environment read costs more than the rest of the check). */
  private envCapture: boolean | undefined | null = null;
  readonly settings: CallSettings = {
    active: () => this.enabled,
    prices: () => this.priceTable,
    captureContent: () => {
      if (this.options.captureContent !== undefined) return this.options.captureContent;
      if (this.envCapture === null) this.envCapture = readEnvFlag('AUTOLOG_OPENAI_CAPTURE_CONTENT');
      return this.envCapture ?? coreSettings().captureContent;
    },
  };

  configure(options: OpenAIAutologOptions = {}): void {
    this.options = { ...options };
    this.priceTable = options.prices ? { ...DEFAULT_PRICES, ...options.prices } : DEFAULT_PRICES;
    this.envCapture = null;
  }

  protected patch(moduleExports: any): void {
    const OpenAI = clientClassOf(moduleExports);
    if (!OpenAI) throw new Error('no OpenAI client class in the module');
    let patched = 0;
    for (const target of TARGETS) {
      const proto = resolvePath(OpenAI, target.path)?.prototype;
      if (proto && wrapMethod(proto, target.method, OWNER, tracedMethod(target.kind, this.settings)))
        patched++;
    }
    if (!patched) throw new Error('none of chat.completions, responses, embeddings, completions found');
    for (const proto of runToolsPrototypes(OpenAI))
      wrapMethod(proto, 'runTools', OWNER, tracedRunTools(this.settings));
  }

  protected unpatch(moduleExports: any): void {
    const OpenAI = clientClassOf(moduleExports);
    for (const target of TARGETS) {
      const proto = resolvePath(OpenAI, target.path)?.prototype;
      if (proto) unwrapMethod(proto, target.method, OWNER);
    }
    for (const proto of runToolsPrototypes(OpenAI)) unwrapMethod(proto, 'runTools', OWNER);
  }

  /**
   * Traces one client instance (for bundled code where the module cannot be patched).
   * Returns the same client.
   */
  wrap<T>(client: T): T {
    const settings: CallSettings = { ...this.settings, active: () => true };
    for (const { resource, method, traced } of instanceMethods(client)) {
      if (typeof resource[method] === 'function') wrapMethod(resource, method, OWNER, traced(settings));
    }
    return client;
  }

  /** Undoes `wrap(client)`. */
  unwrap<T>(client: T): T {
    for (const { resource, method } of instanceMethods(client)) {
      if (Object.hasOwn(resource, method)) unwrapMethod(resource, method, OWNER);
    }
    return client;
  }
}
