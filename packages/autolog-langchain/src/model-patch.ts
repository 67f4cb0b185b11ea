import { diag, type LiveSpan, runInSpan, tracingContext, unwrapMethod, wrapMethod } from './core.js';
import { getRun } from './run-registry.js';

export const OWNER = 'autolog-langchain';

/** The provider calls of a model class; each gets the run's manager as its third argument. */
const CALL_METHODS = ['_generate', '_streamResponseChunks'] as const;
/** The base-class entry points every call goes through, where model classes are patched lazily. */
const ENTRY_METHODS = ['_generateUncached', '_streamIterator'] as const;

/** Prototypes whose provider calls were wrapped (to undo them on disable). */
const patchedPrototypes = new Set<object>();
let seenPrototypes = new WeakSet<object>();

/** The span of the run a provider call belongs to (from its run manager), if one was started. */
function spanOfManager(runManager: any): LiveSpan | undefined {
  const runId = runManager?.runId;
  if (typeof runId !== 'string') return undefined;
  const span = getRun(runId)?.span;
  return span && (!span.isRecording || !span.ended) ? span : undefined;
}

/**
 * Runs `fn` with `span` current; for a span that is not recorded (its trace sampled out, or
 * tracing switched off), with tracing off, so the provider call is not recorded as a trace of its own.
 */
function runWith<T>(span: LiveSpan, fn: () => T): T {
  return span.isRecording ? runInSpan(span, fn) : tracingContext({ enabled: false }, fn);
}

/** Runs each step of an async iterator with `span` current (a generator's body runs on `next()`). */
function bindAsyncIterator<T>(iterator: AsyncIterator<T>, span: LiveSpan): AsyncGenerator<T> {
  const bound: any = {
    next: (...args: [] | [unknown]) => runWith(span, () => iterator.next(...args)),
    return: (value?: any) =>
      runWith(span, () =>
        iterator.return ? iterator.return(value) : Promise.resolve({ done: true as const, value }),
      ),
    throw: (err?: any) => runWith(span, () => (iterator.throw ? iterator.throw(err) : Promise.reject(err))),
    [Symbol.asyncIterator]() {
      return bound;
    },
  };
  return bound;
}

/**
 * Wraps a model's provider call so it runs with the model run's span current: the span that
 * `@autolog/openai` (or any traced code) starts inside becomes its child — one model call, one
 * span tree, never a second trace.
 */
function providerCall(method: (typeof CALL_METHODS)[number]) {
  return (original: (...args: any[]) => any) =>
    function traced(this: any, ...args: any[]) {
      const span = spanOfManager(args[2]);
      if (!span) return original.apply(this, args);
      if (method === '_generate') return runWith(span, () => original.apply(this, args));
      const iterator = runWith(span, () => original.apply(this, args));
      return iterator && typeof iterator.next === 'function' ? bindAsyncIterator(iterator, span) : iterator;
    };
}

/**
 * Wraps `_generate` / `_streamResponseChunks` where the model's own classes define them (never on
 * the base class: LangChain compares `_streamResponseChunks` with the base's to decide whether a
 * model streams). Once per class.
 */
function patchModelClass(instance: any, base: object): void {
  const proto = Object.getPrototypeOf(instance);
  if (!proto || seenPrototypes.has(proto)) return;
  seenPrototypes.add(proto);
  for (let p = proto; p && p !== base && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const method of CALL_METHODS) {
      if (Object.hasOwn(p, method) && wrapMethod(p, method, OWNER, providerCall(method)))
        patchedPrototypes.add(p);
    }
  }
}

/** Patches the base class (`BaseChatModel` or `BaseLLM`) so each model class is patched on first use. */
export function patchModelBase(BaseClass: any): boolean {
  const base = BaseClass?.prototype;
  if (!base) return false;
  let patched = 0;
  for (const entry of ENTRY_METHODS) {
    const ok = wrapMethod(
      base,
      entry,
      OWNER,
      (original) =>
        function entryPoint(this: any, ...args: any[]) {
          try {
            patchModelClass(this, base);
          } catch (err) {
            diag.once(
              'debug',
              'langchain-model-patch',
              `langchain: could not patch a model class: ${String(err)}`,
            );
          }
          return original.apply(this, args);
        },
    );
    if (ok) patched++;
  }
  if (patched < ENTRY_METHODS.length)
    diag.once(
      'warn',
      'langchain-model-entry',
      'langchain: model entry points not found; provider spans (e.g. @autolog/openai) will not nest under model spans',
    );
  return patched > 0;
}

export function unpatchModelBase(BaseClass: any): void {
  const base = BaseClass?.prototype;
  if (base) for (const entry of ENTRY_METHODS) unwrapMethod(base, entry, OWNER);
  for (const proto of patchedPrototypes)
    for (const method of CALL_METHODS) unwrapMethod(proto, method, OWNER);
  patchedPrototypes.clear();
  // Enabling again patches model classes afresh.
  seenPrototypes = new WeakSet<object>();
}
