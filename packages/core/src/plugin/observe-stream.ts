import { describeError, diag } from '../diag.js';

/** What an integration wants to see of a stream: each item, then how it ended. Called at most once to end. */
export interface StreamObserver {
  /** Sees an item before the consumer; a returned promise holds the item back until it settles. */
  add(item: unknown): unknown;
  /**
   * True when `add` never returns a promise. The consumer then reads each item from the SDK's own
   * promise, which `add` sees first (no extra promise step per item on the consumer's path).
   */
  readonly neverHolds?: boolean;
  /** The stream ended (`early`: the consumer stopped before the end). */
  finish(early: boolean): void;
  fail(error: unknown): void;
}

/**
 * Makes a stream report its items while keeping it the SDK's own object: an openai `Stream`
 * keeps `tee()`, `toReadableStream()` and `controller`, because only its internal iterator
 * factory is wrapped — every consumer (for-await, tee branches, readable streams, the SDK's
 * `AssistantStream`) reads through it. Other async iterables get their `Symbol.asyncIterator`
 * wrapped. Observer failures are logged, never thrown into the consumer.
 *
 * @example
 * const stream = await original.apply(this, args);
 * return observeStream(stream, { add: (event) => tracker.onEvent(event), finish: () => tracker.streamEnded(), fail: (e) => tracker.fail(e) });
 */
export function observeStream<S>(stream: S, observer: StreamObserver): S {
  const target = stream as any;
  if (!target || typeof target !== 'object') {
    finishSafely(observer, false);
    return stream;
  }
  if (typeof target.iterator === 'function') {
    const original = target.iterator;
    target.iterator = function (this: unknown, ...args: unknown[]) {
      return observeIterator(original.apply(this, args), observer);
    };
    return stream;
  }
  if (typeof target[Symbol.asyncIterator] === 'function') {
    const original = target[Symbol.asyncIterator];
    Object.defineProperty(target, Symbol.asyncIterator, {
      configurable: true,
      writable: true,
      value: function (this: unknown) {
        return observeIterator(original.call(this), observer);
      },
    });
    return stream;
  }
  diag.once('debug', 'observe-unknown-stream', 'unrecognised stream object; its items are not recorded');
  finishSafely(observer, false);
  return stream;
}

function reportFailure(err: unknown): undefined {
  diag.once('error', 'observe-stream', `recording a stream failed: ${describeError(err)}`);
  return undefined;
}

/** `observer.add(item)`, its failure logged instead of thrown (then undefined: nothing held back). */
function addSafely(observer: StreamObserver, item: unknown): unknown {
  try {
    return observer.add(item);
  } catch (err) {
    return reportFailure(err);
  }
}

function finishSafely(observer: StreamObserver, early: boolean): void {
  try {
    observer.finish(early);
  } catch (err) {
    reportFailure(err);
  }
}

function failSafely(observer: StreamObserver, error: unknown): void {
  try {
    observer.fail(error);
  } catch (err) {
    reportFailure(err);
  }
}

/**
 * The stream observed last: its iterator and a few of its items (the first three and the latest).
 * V8 keeps the optimised code of a closure only while some closure made at that place is alive,
 * and code that reads items only while an item of each shape it was compiled for is alive (the
 * shapes of parsed JSON chunks go with their last chunk). Each stream has closures of its own, so
 * without this a full GC between two streams throws away the per-item code here and in the
 * integration's observer, and the next streams read hundreds of items unoptimised while V8
 * compiles it again. Only the last stream is held, with at most four of its items.
 */
// biome-ignore lint/correctness/noUnusedVariables: held to keep it alive, never read
let lastObserved: { iterator: object; items: unknown[] } | undefined;

/** Keeps `item` among a stream's kept items: the first three, then the latest in the fourth slot. */
function keepItem(items: unknown[], item: unknown): void {
  if (items.length < 3) items.push(item);
  else items[3] = item;
}

/**
 * The iterator every consumer of an observed stream reads through. The observer's methods are
 * called through `addSafely`, `finishSafely` and `failSafely` (no wrapper object per stream).
 */
function observeIterator<T>(
  iterator: AsyncIterator<T>,
  observer: StreamObserver,
): AsyncIterator<T> & AsyncIterable<T> {
  let settled = false;
  const items: unknown[] = [];
  const finish = (early: boolean) => {
    if (settled) return;
    settled = true;
    finishSafely(observer, early);
  };
  const fail = (error: unknown) => {
    if (settled) return;
    settled = true;
    failSafely(observer, error);
  };
  const onResult = (result: IteratorResult<T>): IteratorResult<T> | Promise<IteratorResult<T>> => {
    if (result.done) finish(false);
    else if (!settled) {
      keepItem(items, result.value);
      const pending = addSafely(observer, result.value);
      if (pending instanceof Promise)
        return pending.then(
          () => result,
          () => result,
        );
    }
    return result;
  };
  const onError = (error: unknown) => {
    fail(error);
    throw error;
  };
  // An observer that never holds an item back sees it from a reaction of its own on the SDK's
  // promise, registered before the consumer's, and the consumer gets that very promise.
  const onSeen = (result: IteratorResult<T>): void => {
    if (result.done) finish(false);
    else if (!settled) {
      keepItem(items, result.value);
      addSafely(observer, result.value);
    }
  };
  const onSeenError = (error: unknown): void => fail(error);
  const side = observer.neverHolds === true;
  const observed = {
    // No rest parameters: the consumer calls next() for every item.
    next: (value?: unknown) => {
      const step = value === undefined ? iterator.next() : iterator.next(value);
      if (side && step instanceof Promise) {
        step.then(onSeen, onSeenError);
        return step;
      }
      return step.then(onResult, onError);
    },
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
  lastObserved = { iterator: observed, items };
  return observed;
}
