import { AutologCallbackHandler, settingsFrom } from './callback-handler.js';
import { patchConfigure, registerConfigureHook, unpatchConfigure } from './configure-hook.js';
import { AutologPlugin, describeError, diag, type PluginStatus } from './core.js';
import { installParentResolver } from './langchain-context.js';
import { patchModelBase, unpatchModelBase } from './model-patch.js';
import {
  type LangChainModules,
  type LocatedLangChain,
  loadCommonJs,
  loadEsm,
  loadEsmSync,
  locateLangChains,
} from './module-loader.js';
import type { RecorderSettings } from './run-recorder.js';
import type { LangChainAutologOptions } from './types.js';

/** One object per loaded copy of `@langchain/core`, so the base class sees each copy once. */
const bundles = new WeakMap<object, LangChainModules>();
function bundleOf(modules: LangChainModules): LangChainModules {
  const key = modules.manager;
  const known = bundles.get(key);
  if (known) return known;
  bundles.set(key, modules);
  return modules;
}

/**
 * Traces LangChain.js and LangGraph: one global `AutologCallbackHandler` added to every run
 * (through LangChain's configure hook, and `CallbackManager._configureSync` where the hook's
 * context does not reach), and model classes patched so provider spans nest under model spans.
 */
export class LangChainPlugin extends AutologPlugin {
  readonly name = 'langchain';
  readonly moduleName = '@langchain/core';
  readonly supportedVersions = '>=0.3.0 <2';
  protected override readonly resolveFrom = import.meta.url;
  private settings: RecorderSettings = settingsFrom({});
  /** The handler every run gets while the plugin is enabled (inert once disabled). */
  readonly handler: AutologCallbackHandler = new AutologCallbackHandler(
    {},
    {
      active: () => this.enabled,
      settings: {
        captureContent: () => this.settings.captureContent(),
        recordHiddenRuns: () => this.settings.recordHiddenRuns(),
      },
    },
  );

  configure(options: LangChainAutologOptions = {}): void {
    this.settings = settingsFrom({ ...options });
  }

  /**
   * Synchronously patches the CommonJS and ESM builds of every `@langchain/core` the app resolves (ESM
   * through `require(esm)`, Node ≥ 20.19) and registers the handler through LangChain's configure
   * hook in the caller's async context. Never throws; `enable()` completes what this cannot.
   */
  enableSync(): void {
    try {
      installParentResolver();
      for (const located of locateLangChains()) {
        for (const load of [loadCommonJs, loadEsmSync]) {
          try {
            const modules = load(located);
            // patchModule checks the version; the hook is registered only for a supported copy.
            if (modules && this.patchModule(bundleOf(modules), located.version))
              registerConfigureHook(modules.context, this.handler);
          } catch (err) {
            diag.debug(
              `langchain: a build of @langchain/core could not be loaded synchronously: ${describeError(err)}`,
            );
          }
        }
      }
    } catch (err) {
      diag.debug(`langchain: not enabled synchronously: ${describeError(err)}`);
    }
  }

  /** Patches the CommonJS and ESM builds of every `@langchain/core` the app resolves. Never throws. */
  override async enable(): Promise<PluginStatus> {
    installParentResolver();
    let copies: LocatedLangChain[];
    try {
      copies = locateLangChains();
    } catch (err) {
      return {
        name: this.name,
        enabled: this.enabled,
        patched: [],
        reason: `@langchain/core could not be read: ${describeError(err)}`,
      };
    }
    if (!copies.length)
      return {
        name: this.name,
        enabled: this.enabled,
        patched: [],
        reason: '@langchain/core is not installed',
      };
    for (const located of copies) {
      try {
        this.patchModule(bundleOf(loadCommonJs(located)), located.version);
      } catch (err) {
        diag.debug(`langchain: CommonJS build not loadable: ${describeError(err)}`);
      }
      try {
        const esm = await loadEsm(located);
        if (esm) this.patchModule(bundleOf(esm), located.version);
      } catch (err) {
        diag.debug(`langchain: ESM build not loadable: ${describeError(err)}`);
      }
    }
    return this.status();
  }

  /** Patches one copy given explicitly (e.g. a second copy of `@langchain/core` under another name). */
  patchCopy(modules: LangChainModules, version?: string): boolean {
    return this.patchModule(bundleOf(modules), version);
  }

  protected patch(modules: LangChainModules): void {
    const CallbackManager = modules.manager?.CallbackManager;
    if (typeof CallbackManager !== 'function')
      throw new Error('CallbackManager not found in @langchain/core/callbacks/manager');
    patchConfigure(CallbackManager, this.handler, () => this.enabled);
    patchModelBase(modules.chatModels?.BaseChatModel);
    patchModelBase(modules.llms?.BaseLLM);
  }

  protected unpatch(modules: LangChainModules): void {
    unpatchConfigure(modules.manager?.CallbackManager);
    unpatchModelBase(modules.chatModels?.BaseChatModel);
    unpatchModelBase(modules.llms?.BaseLLM);
  }
}
