import { type LiveSpan, diag } from './core.js';

/**
 * Observes the result of an SDK call without changing what the caller gets: an `APIPromise`
 * comes back as an `APIPromise` (through the SDK's own `_thenUnwrap`, so `withResponse()`,
 * `asResponse()` and the parsed value behave as before), a plain promise is returned as is.
 * `onData` sees the parsed value first and returns what the caller should get (the same object).
 */
export function observeResult<T>(result: T, span: LiveSpan, onData: (data: any) => any, onError: (error: unknown) => void): T {
  const promise = result as any;
  if (promise && typeof promise._thenUnwrap === 'function') {
    let parsed = false;
    const wrapped = promise._thenUnwrap((data: unknown) => {
      parsed = true;
      return guard(() => onData(data), data);
    });
    const responsePromise = promise.responsePromise;
    if (responsePromise && typeof responsePromise.then === 'function') {
      responsePromise.then(undefined, (error: unknown) => onError(error));
    }
    // `asResponse()` alone never parses the body: end the span when the raw response arrives.
    const asResponse = wrapped.asResponse;
    if (typeof asResponse === 'function') {
      Object.defineProperty(wrapped, 'asResponse', {
        configurable: true,
        writable: true,
        value: function (this: unknown) {
          const response = asResponse.call(this);
          response.then((raw: any) => {
            if (!parsed) {
              span.setAttribute('http.response.status_code', raw?.status);
              span.end();
            }
          }, () => undefined);
          return response;
        },
      });
    }
    return wrapped;
  }
  if (promise instanceof Promise) {
    promise.then((data) => guard(() => onData(data), data), (error) => onError(error));
    return result;
  }
  guard(() => onData(result), result);
  return result;
}

function guard<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (err) {
    diag.once('error', 'openai-observe', `openai: recording a response failed: ${String(err)}`);
    return fallback;
  }
}
