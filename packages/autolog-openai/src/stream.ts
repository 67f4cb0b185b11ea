import { diag } from './core.js';

/** Collects what a stream carries and ends the span once the stream is done. */
export interface StreamAccumulator {
  add(chunk: unknown): void;
  /** The stream ended (`early`: the consumer stopped before the end). */
  finish(early: boolean): void;
  fail(error: unknown): void;
}

/**
 * Makes a stream report its chunks while keeping it the SDK's object: the openai `Stream`
 * keeps `tee()`, `toReadableStream()` and `controller`, because only its internal iterator
 * factory is wrapped — every consumer (for-await, tee branches, readable streams) reads through it.
 */
export function instrumentStream<S>(stream: S, accumulator: StreamAccumulator): S {
  const target = stream as any;
  if (!target || typeof target !== 'object') {
    accumulator.finish(false);
    return stream;
  }
  if (typeof target.iterator === 'function') {
    const original = target.iterator;
    target.iterator = function (this: unknown, ...args: unknown[]) {
      return observeIterator(original.apply(this, args), accumulator);
    };
    return stream;
  }
  if (typeof target[Symbol.asyncIterator] === 'function') {
    const original = target[Symbol.asyncIterator];
    Object.defineProperty(target, Symbol.asyncIterator, {
      configurable: true,
      writable: true,
      value: function (this: unknown) {
        return observeIterator(original.call(this), accumulator);
      },
    });
    return stream;
  }
  diag.once('debug', 'openai-unknown-stream', 'openai: unrecognised stream object; chunks not recorded');
  accumulator.finish(false);
  return stream;
}

function observeIterator<T>(iterator: AsyncIterator<T>, accumulator: StreamAccumulator): AsyncIterator<T> & AsyncIterable<T> {
  let settled = false;
  const finish = (early: boolean) => {
    if (settled) return;
    settled = true;
    accumulator.finish(early);
  };
  const fail = (error: unknown) => {
    if (settled) return;
    settled = true;
    accumulator.fail(error);
  };
  const onResult = (result: IteratorResult<T>) => {
    if (result.done) finish(false);
    else if (!settled) accumulator.add(result.value);
    return result;
  };
  const onError = (error: unknown) => {
    fail(error);
    throw error;
  };
  return {
    next: (...args: [] | [unknown]) => iterator.next(...args).then(onResult, onError),
    return: (value?: any) => {
      finish(true);
      return iterator.return ? iterator.return(value) : Promise.resolve({ done: true as const, value });
    },
    throw: (error?: unknown) => {
      fail(error);
      return iterator.throw ? iterator.throw(error) : Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
