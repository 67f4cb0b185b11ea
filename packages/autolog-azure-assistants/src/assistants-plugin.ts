import {
  type CallSettings,
  observedMessageCreate,
  observedRunRead,
  observedThreadCreate,
  tracedRunStart,
  tracedSubmitToolOutputs,
} from './calls.js';
import { AutologPlugin, coreSettings, readEnvFlag, unwrapMethod, wrapMethod } from './core.js';
import { followedRuns } from './registry.js';
import type { AzureAssistantsAutologOptions } from './types.js';

const OWNER = 'autolog-azure-assistants';
const DEFAULT_RUN_TIMEOUT_MS = 600_000;

type Wrapper = (original: (this: any, ...args: any[]) => any) => (this: any, ...args: any[]) => any;

/** A traced method: where its resource class hangs off the OpenAI class, and off a client instance. */
interface Target {
  classPath: string[];
  instancePath: string[];
  method: string;
  wrapper: (settings: CallSettings) => Wrapper;
}

const RUNS = { classPath: ['Beta', 'Threads', 'Runs'], instancePath: ['beta', 'threads', 'runs'] };
const THREADS = { classPath: ['Beta', 'Threads'], instancePath: ['beta', 'threads'] };
const MESSAGES = {
  classPath: ['Beta', 'Threads', 'Messages'],
  instancePath: ['beta', 'threads', 'messages'],
};

/**
 * Only the SDK's primitive calls are wrapped; its helpers (`createAndPoll`, `poll`, `stream`,
 * `createAndRunPoll`, `submitToolOutputsAndPoll`, `AssistantStream` …) call these on the same
 * resource, so every way of running a thread is covered without wrapping them.
 */
const TARGETS: Target[] = [
  { ...RUNS, method: 'create', wrapper: (s) => tracedRunStart('create', s) },
  { ...RUNS, method: 'retrieve', wrapper: (s) => observedRunRead('retrieve', s) },
  { ...RUNS, method: 'cancel', wrapper: (s) => observedRunRead('cancel', s) },
  { ...RUNS, method: 'submitToolOutputs', wrapper: tracedSubmitToolOutputs },
  { ...THREADS, method: 'createAndRun', wrapper: (s) => tracedRunStart('createAndRun', s) },
  { ...THREADS, method: 'create', wrapper: observedThreadCreate },
  { ...MESSAGES, method: 'create', wrapper: observedMessageCreate },
];

/** The OpenAI class of a module object (CommonJS `module.exports`, ESM namespace or default export). */
function clientClassOf(moduleExports: any): any {
  for (const candidate of [
    moduleExports?.OpenAI,
    moduleExports?.default?.OpenAI,
    moduleExports?.default,
    moduleExports,
  ]) {
    if (typeof candidate === 'function' && candidate.Beta?.Threads) return candidate;
  }
  return undefined;
}

const resolve = (root: any, path: string[]): any =>
  path.reduce((obj, key) => (obj ? obj[key] : undefined), root);

/**
 * Traces the Assistants API of the `openai` package (`client.beta.threads` on `AzureOpenAI` and
 * `OpenAI`): one AGENT span per run, from its creation to its terminal state, by patching the
 * resource classes' primitive methods.
 */
export class AzureAssistantsPlugin extends AutologPlugin {
  readonly name = 'azure-assistants';
  readonly moduleName = 'openai';
  /** Majors whose `beta.threads` Assistants API is tested (4.x–7.x all still ship it). */
  readonly supportedVersions = '>=4 <8';
  protected override readonly resolveFrom = import.meta.url;
  private options: AzureAssistantsAutologOptions = {};
  readonly settings: CallSettings = {
    active: () => this.enabled,
    captureContent: () =>
      this.options.captureContent ??
      readEnvFlag('AUTOLOG_AZURE_ASSISTANTS_CAPTURE_CONTENT') ??
      coreSettings().captureContent,
    runTimeoutMs: () =>
      this.options.runTimeoutMs ??
      (Number(process.env.AUTOLOG_AZURE_ASSISTANTS_RUN_TIMEOUT_MS) || DEFAULT_RUN_TIMEOUT_MS),
    fetchRunDetails: () =>
      this.options.fetchRunDetails ?? readEnvFlag('AUTOLOG_AZURE_ASSISTANTS_FETCH_DETAILS') ?? true,
  };

  configure(options: AzureAssistantsAutologOptions = {}): void {
    this.options = { ...options };
  }

  /** Restores the SDK and ends the spans of runs still being followed (nothing would observe them any more). */
  override disable(): void {
    super.disable();
    for (const tracker of followedRuns()) tracker.abandon('tracing was disabled while the run was followed');
  }

  protected patch(moduleExports: any): void {
    const OpenAI = clientClassOf(moduleExports);
    if (!OpenAI) throw new Error('no OpenAI client class with beta.threads in the module');
    let patched = 0;
    for (const target of TARGETS) {
      const proto = resolve(OpenAI, target.classPath)?.prototype;
      if (proto && wrapMethod(proto, target.method, OWNER, target.wrapper(this.settings))) patched++;
    }
    if (!patched) throw new Error('beta.threads.runs not found');
  }

  protected unpatch(moduleExports: any): void {
    const OpenAI = clientClassOf(moduleExports);
    for (const target of TARGETS) {
      const proto = resolve(OpenAI, target.classPath)?.prototype;
      if (proto) unwrapMethod(proto, target.method, OWNER);
    }
  }

  /** Traces one client instance (bundled code where the module cannot be patched). Returns the same client. */
  wrap<T>(client: T): T {
    const settings: CallSettings = { ...this.settings, active: () => true };
    for (const target of TARGETS) {
      const resource = resolve(client, target.instancePath);
      if (resource && typeof resource[target.method] === 'function')
        wrapMethod(resource, target.method, OWNER, target.wrapper(settings));
    }
    return client;
  }

  /** Undoes `wrap(client)`. */
  unwrap<T>(client: T): T {
    for (const target of TARGETS) {
      const resource = resolve(client, target.instancePath);
      if (resource && Object.hasOwn(resource, target.method)) unwrapMethod(resource, target.method, OWNER);
    }
    return client;
  }
}
