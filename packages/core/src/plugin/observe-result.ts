import { describeError, diag } from '../diag.js';

/** What an integration wants to see of an SDK call's result. */
export interface ResultObserver {
  /** Sees the parsed value first and returns what the caller gets (normally the same object). */
  onData(data: any): any;
  /** The call failed; the caller still gets the very same error. */
  onError(error: unknown): void;
  /** The caller read the raw `Response` with `asResponse()`, so the body is never parsed here. */
  onRawResponse?(response: unknown): void;
}

/**
 * Observes the result of an SDK call without changing what the caller gets: an `APIPromise`
 * (openai 4 and later) comes back as an `APIPromise`, built by the SDK's own `_thenUnwrap`, so
 * `withResponse()`, `asResponse()` and the parsed value behave as before; a plain promise is
 * returned as is; any other value is observed at once. Observer failures are logged, never thrown.
 *
 * @example
 * return observeResult(original.apply(this, args), {
 *   onData: (run) => { tracker.observe(run); return run; },
 *   onError: (error) => tracker.fail(error),
 * });
 */
export function observeResult<T>(result: T, observer: ResultObserver): T {
  const promise = result as any;
  if (promise && typeof promise._thenUnwrap === 'function') {
    let parsed = false;
    const wrapped = promise._thenUnwrap((data: unknown) => {
      parsed = true;
      return guard(() => observer.onData(data), data);
    });
    const responsePromise = promise.responsePromise;
    if (responsePromise && typeof responsePromise.then === 'function') {
      responsePromise.then(undefined, (error: unknown) => guard(() => observer.onError(error), undefined));
    }
    keepRawResponseObserved(wrapped, observer, () => parsed);
    return wrapped;
  }
  if (promise instanceof Promise) {
    promise.then(
      (data) => guard(() => observer.onData(data), data),
      (error) => guard(() => observer.onError(error), undefined),
    );
    return result;
  }
  guard(() => observer.onData(result), result);
  return result;
}

// `asResponse()` alone never parses the body: tell the observer when the raw response arrives.
function keepRawResponseObserved(wrapped: any, observer: ResultObserver, parsed: () => boolean): void {
  const asResponse = wrapped?.asResponse;
  if (typeof asResponse !== 'function') return;
  Object.defineProperty(wrapped, 'asResponse', {
    configurable: true,
    writable: true,
    value: function (this: unknown) {
      const response = asResponse.call(this);
      response.then(
        (raw: unknown) => {
          if (!parsed()) guard(() => observer.onRawResponse?.(raw), undefined);
        },
        () => undefined,
      );
      return response;
    },
  });
}

function guard<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (err) {
    diag.once('error', 'observe-result', `recording an SDK result failed: ${describeError(err)}`);
    return fallback;
  }
}
