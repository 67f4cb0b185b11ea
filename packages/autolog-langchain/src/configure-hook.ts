import { describeError, diag, unwrapMethod, wrapMethod } from './core.js';
import { OWNER } from './model-patch.js';

/** The context variable LangChain's configure hook reads the global handler from. */
export const CONTEXT_VAR = 'autolog_langchain_handler';

interface Handler {
  name: string;
}

/**
 * Context variable listing the `@langchain/core/context` copies whose hook is registered in this
 * async context. LangChain keeps each copy's hook list in its AsyncLocalStorage too, so the
 * registration is remembered where it applies — not once per process.
 */
const REGISTERED_VAR = 'autolog_langchain_hook_registered';

/**
 * Registers Autolog's handler through LangChain's own extension point: a configure hook reading
 * the context variable `autolog_langchain_handler`, set to `handler`. LangChain keeps both in its
 * AsyncLocalStorage, so they apply to code that runs in the caller's async context and everything
 * it starts — the whole app when called at its top level. Synchronous on purpose: after an
 * `await` the registration would stay inside this function's own continuation.
 */
export function registerConfigureHook(contextModule: any, handler: Handler): boolean {
  if (
    typeof contextModule?.registerConfigureHook !== 'function' ||
    typeof contextModule?.setContextVariable !== 'function'
  )
    return false;
  try {
    const registered: unknown = contextModule.getContextVariable?.(REGISTERED_VAR);
    const copies = Array.isArray(registered) ? registered : [];
    if (!copies.includes(contextModule)) {
      contextModule.registerConfigureHook({ contextVar: CONTEXT_VAR, inheritable: true });
      contextModule.setContextVariable(REGISTERED_VAR, [...copies, contextModule]);
    }
    contextModule.setContextVariable(CONTEXT_VAR, handler);
    return true;
  } catch (err) {
    diag.debug(`langchain: configure hook not registered: ${describeError(err)}`);
    return false;
  }
}

/**
 * The hook only reaches async contexts that descend from the registration. So that runs started
 * anywhere else (autolog() called inside a framework's `register()`, after an `await`, in a test's
 * setup) are traced too, `CallbackManager._configureSync` — where LangChain resolves the handlers
 * of every run — adds the handler when neither the hook nor the caller did.
 */
export function patchConfigure(CallbackManager: any, handler: Handler, active: () => boolean): boolean {
  if (typeof CallbackManager?._configureSync !== 'function') {
    diag.once(
      'debug',
      'langchain-configure',
      'langchain: CallbackManager._configureSync not found; runs are traced where the configure hook reaches',
    );
    return false;
  }
  return wrapMethod(
    CallbackManager,
    '_configureSync',
    OWNER,
    (original) =>
      function configureSync(this: any, ...args: any[]) {
        let manager = original.apply(this, args);
        if (!active()) return manager;
        try {
          // No manager: the run had no handler at all, so LangChain also dropped its tags and
          // metadata (a run's user and thread, the model's ls_* parameters). Configure again
          // with the handler as the inheritable one, as if the caller had passed it.
          if (!manager) manager = original.apply(this, [[handler], ...args.slice(1)]);
          if (manager && !manager.handlers?.some((h: Handler) => h?.name === handler.name))
            manager.addHandler(handler, true);
        } catch (err) {
          diag.once(
            'error',
            'langchain-configure-add',
            `langchain: could not add the Autolog handler: ${describeError(err)}`,
          );
        }
        return manager;
      },
  );
}

export function unpatchConfigure(CallbackManager: any): void {
  if (CallbackManager) unwrapMethod(CallbackManager, '_configureSync', OWNER);
}
