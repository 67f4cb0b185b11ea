import { diag } from '../diag.js';

const ORIGINAL = Symbol.for('autolog.original');
const WRAPPED_BY = Symbol.for('autolog.wrappedBy');

type Method = (this: any, ...args: any[]) => any;

/**
 * Replaces `target[name]` with `wrapper(original)`, remembering the original so `unwrapMethod`
 * restores it. Wrapping an already wrapped method by the same owner is a no-op, so enabling
 * twice never traces twice.
 */
export function wrapMethod(
  target: object,
  name: string,
  owner: string,
  wrapper: (original: Method) => Method,
): boolean {
  const obj = target as Record<string, any>;
  const current = obj[name];
  if (typeof current !== 'function') return false;
  if (current[WRAPPED_BY] === owner) return true;
  const wrapped = wrapper(current);
  Object.defineProperty(wrapped, ORIGINAL, { value: current });
  Object.defineProperty(wrapped, WRAPPED_BY, { value: owner });
  try {
    Object.defineProperty(wrapped, 'name', { value: current.name, configurable: true });
    Object.defineProperty(wrapped, 'length', { value: current.length, configurable: true });
  } catch {
    // cosmetic only
  }
  const descriptor = Object.getOwnPropertyDescriptor(obj, name);
  Object.defineProperty(obj, name, {
    value: wrapped,
    writable: true,
    configurable: true,
    enumerable: descriptor ? descriptor.enumerable : false,
  });
  return true;
}

/** Restores what `wrapMethod` replaced (only if it is still our wrapper on top). */
export function unwrapMethod(target: object, name: string, owner: string): void {
  const obj = target as Record<string, any>;
  const current = obj[name];
  if (typeof current !== 'function' || current[WRAPPED_BY] !== owner) return;
  const original = current[ORIGINAL];
  try {
    Object.defineProperty(obj, name, {
      value: original,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  } catch (err) {
    diag.warn(`could not restore ${name}: ${String(err)}`);
  }
}

export function isWrapped(fn: unknown, owner?: string): boolean {
  return (
    typeof fn === 'function' &&
    (owner ? (fn as any)[WRAPPED_BY] === owner : (fn as any)[WRAPPED_BY] !== undefined)
  );
}
