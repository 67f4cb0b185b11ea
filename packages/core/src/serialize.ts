/**
 * Turns arbitrary user values (function inputs/outputs) into bounded, JSON-safe span data.
 *
 * Why not plain `JSON.stringify`: user values may hold cycles, BigInts, throwing getters, revoked
 * proxies, multi-megabyte strings or huge object graphs. Each of those makes `JSON.stringify` throw,
 * stall or allocate without bound, and tracing must never break or slow down the traced code. So one
 * recursive walker copies the value under caps (depth, items, string length and a running output
 * budget), and everything it reads is guarded.
 *
 * Hot path: primitives, arrays and plain objects take the first branches of `walk` (no lookups beyond
 * one prototype check). `safeStringify` goes further: when a value is already plain JSON within the
 * caps it is passed straight to the native `JSON.stringify`, without building a copy.
 */

/** Caps applied while converting one value. All are optional; see {@link resolveSerializeOptions}. */
export interface SerializeOptions {
  /**
   * Cap on the JSON text produced for one value, in UTF-16 code units (default 256 * 1024).
   * Values below 20 are raised to 20, the size of the smallest truncation marker.
   */
  maxLength?: number;
  /**
   * Maximum nesting depth (default 32). Deeper values become the string '[Max depth]'.
   * Capped at 1000 so the recursive walk can never overflow the stack.
   */
  maxDepth?: number;
  /** Longest single string kept before it is cut (default 64 * 1024 chars). */
  maxStringLength?: number;
  /** Maximum array items / object keys kept per container (default 1000). */
  maxItems?: number;
}

const DEFAULTS: Readonly<Required<SerializeOptions>> = Object.freeze({
  maxLength: 256 * 1024,
  maxDepth: 32,
  maxStringLength: 64 * 1024,
  maxItems: 1000,
});
const MIN_MAX_LENGTH = 20;
const MAX_DEPTH_LIMIT = 1000;
/** Binary values up to this size carry their content as base64; bigger ones only their size. */
const BASE64_MAX_BYTES = 1024;
/** Key used in objects for "more keys" / "size limit reached" markers. */
const MARKER_KEY = '…';
const SIZE_LIMIT_MARKER = '[Truncated: size limit]';
const UNSERIALIZABLE = '[Unserializable]';

/** Brand-checked getter returning 'Uint8Array', 'Float64Array', … (undefined for a DataView). */
const typedArrayTag = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype) as object,
  Symbol.toStringTag,
)?.get;

function clampInt(value: unknown, fallback: number, min: number, max: number): number {
  if (typeof value !== 'number' || Number.isNaN(value)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(value)));
}

/** Options made by {@link resolveSerializeOptions} (frozen, so they stay resolved). */
const RESOLVED = new WeakSet<object>();

/** Resolve option defaults once (so callers can precompute them). Invalid values fall back to defaults. */
export function resolveSerializeOptions(options?: SerializeOptions): Required<SerializeOptions> {
  const out = Object.freeze(resolveOptions(options));
  RESOLVED.add(out);
  return out;
}

function resolveOptions(options?: SerializeOptions): Required<SerializeOptions> {
  if (options === undefined) return { ...DEFAULTS };
  try {
    return {
      maxLength: clampInt(options.maxLength, DEFAULTS.maxLength, MIN_MAX_LENGTH, Number.MAX_SAFE_INTEGER),
      maxDepth: clampInt(options.maxDepth, DEFAULTS.maxDepth, 0, MAX_DEPTH_LIMIT),
      maxStringLength: clampInt(
        options.maxStringLength,
        DEFAULTS.maxStringLength,
        0,
        Number.MAX_SAFE_INTEGER,
      ),
      maxItems: clampInt(options.maxItems, DEFAULTS.maxItems, 0, Number.MAX_SAFE_INTEGER),
    };
  } catch {
    return { ...DEFAULTS };
  }
}

/** Mutable state of one conversion. `size` is a running lower bound of the JSON length produced so far. */
interface WalkState {
  readonly maxLength: number;
  readonly maxDepth: number;
  readonly maxStringLength: number;
  readonly maxItems: number;
  size: number;
  /** Set once the output budget stopped the copy early. */
  cut: boolean;
  /** ancestors[i] is the container at depth i on the current path (for cycle detection). */
  readonly ancestors: object[];
}

function newState(options: SerializeOptions | undefined): WalkState {
  // The settings hold resolved options: a snapshot uses them as they are.
  const o =
    options === undefined
      ? DEFAULTS
      : RESOLVED.has(options)
        ? (options as Required<SerializeOptions>)
        : resolveSerializeOptions(options);
  return {
    maxLength: o.maxLength,
    maxDepth: o.maxDepth,
    maxStringLength: o.maxStringLength,
    maxItems: o.maxItems,
    size: 0,
    cut: false,
    ancestors: [],
  };
}

/**
 * Returns a JSON-safe deep copy of `value` (plain objects, arrays, strings, finite numbers, booleans,
 * null) — a snapshot, so later mutation of the original does not change it. Never throws.
 *
 * Top-level `undefined` stays `undefined` (the caller omits it). When the running output size passes
 * `maxLength`, containers stop early and end with a '[Truncated: size limit]' item (arrays) or
 * `'…'` key (objects), so even a huge graph is never fully copied.
 */
export function toJsonSafe(value: unknown, options?: SerializeOptions): unknown {
  try {
    return walk(value, 0, newState(options));
  } catch {
    return UNSERIALIZABLE;
  }
}

/**
 * JSON text of `toJsonSafe(value)`, guaranteed to be valid JSON of length <= maxLength. Never throws.
 *
 * Top-level `undefined` gives `'null'`. When the text would be longer than `maxLength`, the result is
 * instead `{"truncated":true,"originalLength":N,"preview":"<start of the JSON text>"}`, with the
 * preview shortened to fit. `originalLength` (the full text length) is omitted when the output
 * budget stopped the copy early, since the full length was then never computed. If even that does
 * not fit, the marker is `{"truncated":true}`.
 */
export function safeStringify(value: unknown, options?: SerializeOptions): string {
  try {
    const st = newState(options);
    const fast = plainText(value, st);
    if (fast !== undefined) return fast;
    st.size = 0;
    const copy = walk(value, 0, st);
    if (copy === undefined) return 'null';
    const text = JSON.stringify(copy);
    if (text.length <= st.maxLength) return text;
    return truncationMarker(text, st.cut ? undefined : text.length, st.maxLength);
  } catch {
    return `"${UNSERIALIZABLE}"`;
  }
}

/**
 * Fast path: when `value` is already plain JSON within every cap, `JSON.stringify` of the original gives
 * exactly what the full walk would, without building a copy. Returns undefined to take the full walk.
 */
function plainText(value: unknown, st: WalkState): string | undefined {
  try {
    if (!isPlainJson(value, 0, st)) return undefined;
    const text = JSON.stringify(value) ?? 'null'; // undefined at top level
    return text.length <= st.maxLength ? text : undefined;
  } catch {
    return undefined; // e.g. a getter that throws: the full walk labels it
  }
}

/**
 * True for strings, finite numbers, booleans, null/undefined, arrays and plain objects (without
 * toJSON) made of those, all within the caps. Adds to `st.size`, so a huge or cyclic graph stops early.
 */
function isPlainJson(value: unknown, depth: number, st: WalkState): boolean {
  switch (typeof value) {
    case 'string':
      st.size += value.length + 2;
      return value.length <= st.maxStringLength;
    case 'number':
      st.size += 1;
      return Number.isFinite(value);
    case 'boolean':
    case 'undefined':
      st.size += 1;
      return true;
    case 'object': {
      if (value === null) return true;
      if (depth >= st.maxDepth) return false;
      if (Array.isArray(value)) {
        if (value.length > st.maxItems) return false;
        for (let i = 0; i < value.length; i++) {
          if (st.size > st.maxLength || !isPlainJson(value[i], depth + 1, st)) return false;
        }
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (
        (proto !== Object.prototype && proto !== null) ||
        (value as { toJSON?: unknown }).toJSON !== undefined
      ) {
        return false;
      }
      const keys = Object.keys(value);
      if (keys.length > st.maxItems) return false;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        st.size += key.length + 4;
        if (st.size > st.maxLength || key.length > st.maxStringLength) return false;
        if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1, st)) return false;
      }
      return true;
    }
    default:
      return false; // bigint, symbol, function
  }
}

function truncationMarker(text: string, originalLength: number | undefined, maxLength: number): string {
  const heads = ['{"truncated":true,"preview":'];
  if (originalLength !== undefined)
    heads.unshift(`{"truncated":true,"originalLength":${originalLength},"preview":`);
  for (const head of heads) {
    const room = maxLength - head.length - 1; // 1 for the closing brace
    if (room < 2) continue; // 2 for the quotes of an empty preview
    let end = Math.min(text.length, room - 2);
    for (;;) {
      if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end--; // keep surrogate pairs whole
      const preview = JSON.stringify(text.slice(0, end));
      if (preview.length <= room) return `${head}${preview}}`;
      // Each dropped char shrinks the escaped preview by at least one char, so this converges fast.
      end = Math.max(0, end - (preview.length - room));
    }
  }
  return '{"truncated":true}';
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function walk(value: unknown, depth: number, st: WalkState): unknown {
  switch (typeof value) {
    case 'string':
      return text(value, st);
    case 'number':
      return finiteOrLabel(value, st);
    case 'boolean':
      st.size += value ? 4 : 5;
      return value;
    case 'undefined':
      return undefined;
    case 'object':
      if (value === null) {
        st.size += 4;
        return null;
      }
      return walkObject(value, depth, st);
    case 'bigint':
      return text(value.toString(), st);
    case 'symbol':
      return text(value.toString(), st);
    case 'function':
      return text(functionLabel(value), st);
    default:
      return text(UNSERIALIZABLE, st);
  }
}

/** Counts a string into the budget, cutting it first when longer than maxStringLength. */
function text(s: string, st: WalkState): string {
  const kept = s.length > st.maxStringLength ? cutString(s, st.maxStringLength) : s;
  st.size += kept.length + 2;
  return kept;
}

function cutString(s: string, max: number): string {
  let end = max;
  if (end > 0 && isHighSurrogate(s.charCodeAt(end - 1))) end--;
  return `${s.slice(0, end)}…[truncated ${s.length - end} chars]`;
}

function finiteOrLabel(n: number, st: WalkState): number | string {
  if (n === 0) {
    st.size += 1;
    return 0; // also turns -0 into 0
  }
  if (Number.isFinite(n)) {
    st.size += n > 0 && n < 10 && Number.isInteger(n) ? 1 : String(n).length;
    return n;
  }
  return text(Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity', st);
}

function functionLabel(fn: Function): string {
  try {
    const name: unknown = fn.name;
    return `[Function ${typeof name === 'string' && name !== '' ? name : 'anonymous'}]`;
  } catch {
    return '[Function anonymous]';
  }
}

/** Label for a value whose read threw: '[Throws: <message>]'. */
function thrownLabel(error: unknown): string {
  try {
    const message = error instanceof Error ? error.message : String(error);
    return `[Throws: ${message}]`;
  } catch {
    return '[Throws]';
  }
}

/** Reads `obj[key]`, turning an exception (throwing getter, proxy trap) into a label. */
function read(obj: object, key: string | number): unknown {
  try {
    return (obj as Record<string | number, unknown>)[key];
  } catch (error) {
    return thrownLabel(error);
  }
}

/** Sets a key without triggering the `__proto__` setter (which would change the copy's prototype). */
function assign(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    out[key] = value;
  }
}

/** Walks `value` and stores it under `key`; undefined results are dropped, as JSON does. */
function addProp(
  out: Record<string, unknown>,
  key: string,
  value: unknown,
  depth: number,
  st: WalkState,
): void {
  const v = walk(value, depth + 1, st);
  if (v === undefined) return;
  const k = key.length > st.maxStringLength ? cutString(key, st.maxStringLength) : key;
  st.size += k.length + 4; // quotes, colon, comma
  assign(out, k, v);
}

/** Walks `value` for an array slot: undefined becomes null. */
function item(value: unknown, depth: number, st: WalkState): unknown {
  const v = walk(value, depth + 1, st);
  st.size += 1; // comma
  if (v !== undefined) return v;
  st.size += 4;
  return null;
}

function overBudget(st: WalkState): boolean {
  if (st.size <= st.maxLength) return false;
  st.cut = true;
  return true;
}

function walkObject(obj: object, depth: number, st: WalkState): unknown {
  const ancestors = st.ancestors;
  for (let i = 0; i < depth; i++) if (ancestors[i] === obj) return text('[Circular]', st);
  if (depth >= st.maxDepth) return text('[Max depth]', st);
  ancestors[depth] = obj;
  try {
    if (Array.isArray(obj)) return walkArray(obj, depth, st);
    const proto: unknown = Object.getPrototypeOf(obj);
    if (proto === Object.prototype || proto === null) {
      const toJSON = read(obj, 'toJSON');
      if (typeof toJSON === 'function') return viaToJSON(obj, toJSON, depth, st);
      return walkProps(obj, depth, st, {});
    }
    return walkSpecial(obj, depth, st);
  } catch {
    // Revoked proxies, throwing proxy traps, brand checks failing on look-alike objects.
    return text(UNSERIALIZABLE, st);
  }
}

function walkArray(arr: readonly unknown[], depth: number, st: WalkState): unknown[] {
  const length = arr.length;
  const n = Math.min(length, st.maxItems);
  const out: unknown[] = [];
  st.size += 1;
  for (let i = 0; i < n; i++) {
    if (overBudget(st)) {
      out.push(SIZE_LIMIT_MARKER);
      return out;
    }
    out.push(item(read(arr, i), depth, st));
  }
  if (length > n) out.push(text(`[${length - n} more items]`, st));
  return out;
}

/** Copies own enumerable string-keyed properties into `out` (symbol keys are ignored, as JSON does). */
function walkProps(
  obj: object,
  depth: number,
  st: WalkState,
  out: Record<string, unknown>,
): Record<string, unknown> {
  const keys = Object.keys(obj);
  const n = Math.min(keys.length, st.maxItems);
  st.size += 1;
  for (let i = 0; i < n; i++) {
    if (overBudget(st)) {
      out[MARKER_KEY] = SIZE_LIMIT_MARKER;
      return out;
    }
    const key = keys[i];
    addProp(out, key, read(obj, key), depth, st);
  }
  if (keys.length > n) out[MARKER_KEY] = text(`[${keys.length - n} more keys]`, st);
  return out;
}

/** Honours a user `toJSON()`; if it throws (or returns the object itself) the own properties are used. */
function viaToJSON(obj: object, toJSON: Function, depth: number, st: WalkState): unknown {
  let result: unknown;
  try {
    result = toJSON.call(obj, '');
  } catch {
    return walkProps(obj, depth, st, {});
  }
  if (result === obj) return walkProps(obj, depth, st, {});
  // One level deeper, so a toJSON returning a fresh object with a toJSON cannot recurse forever.
  return walk(result, depth + 1, st);
}

function walkSpecial(obj: object, depth: number, st: WalkState): unknown {
  if (ArrayBuffer.isView(obj)) return binary(obj, st);
  if (obj instanceof ArrayBuffer || obj instanceof SharedArrayBuffer) return binary(obj, st);
  if (obj instanceof Date) {
    const time = Date.prototype.getTime.call(obj);
    return text(Number.isNaN(time) ? 'Invalid Date' : Date.prototype.toISOString.call(obj), st);
  }
  if (obj instanceof URL) return text(obj.href, st);
  if (obj instanceof RegExp) return text(RegExp.prototype.toString.call(obj), st);
  const toJSON = read(obj, 'toJSON');
  if (typeof toJSON === 'function') return viaToJSON(obj, toJSON, depth, st);
  if (obj instanceof Error) return walkError(obj, depth, st);
  if (obj instanceof Map) return walkMap(obj, depth, st);
  if (obj instanceof Set) return walkSet(obj, depth, st);
  if (obj instanceof Promise) return text('[Promise]', st);
  if (obj instanceof WeakMap) return text('[WeakMap]', st);
  if (obj instanceof WeakSet) return text('[WeakSet]', st);
  if (obj instanceof WeakRef) return text('[WeakRef]', st);
  // Boxed primitives (new Number(1), Object(1n), …) unwrap like JSON.stringify does.
  if (obj instanceof Number) return finiteOrLabel(Number.prototype.valueOf.call(obj), st);
  if (obj instanceof String) return text(String.prototype.valueOf.call(obj), st);
  if (obj instanceof Boolean) return walk(Boolean.prototype.valueOf.call(obj), depth, st);
  if (obj instanceof BigInt) return text(BigInt.prototype.toString.call(obj), st);
  if (obj instanceof Symbol) return text(Symbol.prototype.toString.call(obj), st);
  // Class instances and other objects: own enumerable properties.
  return walkProps(obj, depth, st, {});
}

function binary(obj: ArrayBufferView | ArrayBufferLike, st: WalkState): Record<string, unknown> {
  let type: string;
  let bytes: Uint8Array;
  if (ArrayBuffer.isView(obj)) {
    type = Buffer.isBuffer(obj) ? 'Buffer' : ((typedArrayTag?.call(obj) as string | undefined) ?? 'DataView');
    bytes = new Uint8Array(obj.buffer, obj.byteOffset, obj.byteLength);
  } else {
    type = obj instanceof ArrayBuffer ? 'ArrayBuffer' : 'SharedArrayBuffer';
    bytes = new Uint8Array(obj);
  }
  const byteLength = bytes.byteLength;
  st.size += 40 + type.length;
  if (byteLength > BASE64_MAX_BYTES) return { type, byteLength, truncated: true };
  const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, byteLength).toString('base64');
  st.size += base64.length;
  return { type, byteLength, base64 };
}

function walkError(error: Error, depth: number, st: WalkState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  st.size += 1;
  // These are non-enumerable (or inherited), so they are read explicitly; missing ones are dropped.
  addProp(out, 'name', read(error, 'name'), depth, st);
  addProp(out, 'message', read(error, 'message'), depth, st);
  addProp(out, 'stack', read(error, 'stack'), depth, st);
  addProp(out, 'cause', read(error, 'cause'), depth, st);
  if (error instanceof AggregateError) addProp(out, 'errors', read(error, 'errors'), depth, st);
  return walkProps(error, depth, st, out);
}

/** The first `max` values of an iterator, without consuming the rest. */
function take<T>(iterator: Iterator<T>, max: number): T[] {
  const items: T[] = [];
  while (items.length < max) {
    const next = iterator.next();
    if (next.done) break;
    items.push(next.value);
  }
  return items;
}

/** Map with string/number keys → plain object; any other key type → array of [key, value] pairs. */
function walkMap(map: Map<unknown, unknown>, depth: number, st: WalkState): unknown {
  const total = map.size;
  const entries = take(Map.prototype.entries.call(map), st.maxItems);
  const more = total - entries.length;
  st.size += 1;
  if (entries.every(([key]) => typeof key === 'string' || typeof key === 'number')) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of entries) {
      if (overBudget(st)) {
        out[MARKER_KEY] = SIZE_LIMIT_MARKER;
        return out;
      }
      addProp(out, String(key), value, depth, st);
    }
    if (more > 0) out[MARKER_KEY] = text(`[${more} more entries]`, st);
    return out;
  }
  const out: unknown[] = [];
  for (const [key, value] of entries) {
    if (overBudget(st)) {
      out.push(SIZE_LIMIT_MARKER);
      return out;
    }
    st.size += 2;
    out.push([item(key, depth, st), item(value, depth, st)]);
  }
  if (more > 0) out.push(text(`[${more} more entries]`, st));
  return out;
}

function walkSet(set: Set<unknown>, depth: number, st: WalkState): unknown[] {
  const values = take(Set.prototype.values.call(set), st.maxItems);
  const more = set.size - values.length;
  const out: unknown[] = [];
  st.size += 1;
  for (const value of values) {
    if (overBudget(st)) {
      out.push(SIZE_LIMIT_MARKER);
      return out;
    }
    out.push(item(value, depth, st));
  }
  if (more > 0) out.push(text(`[${more} more items]`, st));
  return out;
}
