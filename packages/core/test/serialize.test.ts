import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveSerializeOptions, safeStringify, toJsonSafe } from '../src/serialize.js';

type Obj = Record<string, unknown>;

function revokedProxy<T extends object>(target: T): T {
  const { proxy, revoke } = Proxy.revocable(target, {});
  revoke();
  return proxy;
}

function withThrowingGetter(base: Obj, key: string, error: unknown): Obj {
  return Object.defineProperty(base, key, {
    enumerable: true,
    get() {
      throw error;
    },
  });
}

function nestedArrays(depth: number): unknown[] {
  let value: unknown[] = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function elapsedMs(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

describe('resolveSerializeOptions', () => {
  it('fills in the documented defaults', () => {
    expect(resolveSerializeOptions()).toEqual({
      maxLength: 256 * 1024,
      maxDepth: 32,
      maxStringLength: 64 * 1024,
      maxItems: 1000,
    });
  });

  it('keeps given values, clamps out-of-range ones and replaces invalid ones with defaults', () => {
    expect(
      resolveSerializeOptions({ maxLength: 500, maxDepth: 3, maxStringLength: 10, maxItems: 5 }),
    ).toEqual({
      maxLength: 500,
      maxDepth: 3,
      maxStringLength: 10,
      maxItems: 5,
    });
    const clamped = resolveSerializeOptions({ maxLength: 1, maxDepth: 1e9, maxItems: -3 });
    expect(clamped).toMatchObject({ maxLength: 20, maxDepth: 1000, maxItems: 0 });
    const invalid = resolveSerializeOptions({ maxLength: Number.NaN, maxDepth: '7' as unknown as number });
    expect(invalid).toMatchObject({ maxLength: 256 * 1024, maxDepth: 32 });
  });
});

describe('toJsonSafe: primitives', () => {
  it('passes strings, finite numbers, booleans and null through unchanged', () => {
    for (const value of ['', 'hi', 0, 42, -1.5, 1e300, true, false, null])
      expect(toJsonSafe(value)).toBe(value);
  });

  it('turns -0 into 0', () => {
    expect(Object.is(toJsonSafe(-0), 0)).toBe(true);
    expect(Object.is((toJsonSafe([-0]) as unknown[])[0], 0)).toBe(true);
    expect(safeStringify({ z: -0 })).toBe('{"z":0}');
  });

  it('labels NaN and infinities as strings', () => {
    expect(toJsonSafe([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])).toEqual([
      'NaN',
      'Infinity',
      '-Infinity',
    ]);
  });

  it('turns a BigInt into its decimal string', () => {
    expect(toJsonSafe(12345678901234567890n)).toBe('12345678901234567890');
    expect(toJsonSafe({ n: -5n })).toEqual({ n: '-5' });
  });

  it('turns a symbol into its toString() form', () => {
    expect(toJsonSafe(Symbol('tag'))).toBe('Symbol(tag)');
    expect(toJsonSafe([Symbol()])).toEqual(['Symbol()']);
  });

  it('labels functions with their name, or anonymous', () => {
    function namedFn() {}
    class Widget {}
    const anonymous = [() => {}][0];
    expect(toJsonSafe(namedFn)).toBe('[Function namedFn]');
    expect(toJsonSafe({ cls: Widget })).toEqual({ cls: '[Function Widget]' });
    expect(toJsonSafe(anonymous)).toBe('[Function anonymous]');
  });
});

describe('toJsonSafe: undefined', () => {
  it('returns undefined for a top-level undefined (safeStringify gives null)', () => {
    expect(toJsonSafe(undefined)).toBeUndefined();
    expect(safeStringify(undefined)).toBe('null');
  });

  it('drops undefined object properties, like JSON', () => {
    const out = toJsonSafe({ a: undefined, b: 1 }) as Obj;
    expect(out).toStrictEqual({ b: 1 });
    expect('a' in out).toBe(false);
  });

  it('turns undefined array items and holes into null', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point of the test
    expect(toJsonSafe([undefined, 1, , 3])).toStrictEqual([null, 1, null, 3]);
  });
});

describe('toJsonSafe: objects and arrays', () => {
  it('returns a deep-equal snapshot that later mutation of the original does not change', () => {
    const source = { list: [1, { n: 1 }], nested: { s: 'x' } };
    const copy = toJsonSafe(source);
    source.list.push(2);
    source.nested.s = 'changed';
    expect(copy).toStrictEqual({ list: [1, { n: 1 }], nested: { s: 'x' } });
    expect(copy).not.toBe(source);
  });

  it('copies null-prototype objects into plain objects', () => {
    const bare = Object.assign(Object.create(null) as Obj, { a: 1 });
    expect(toJsonSafe({ bare })).toStrictEqual({ bare: { a: 1 } });
  });

  it('keeps a "__proto__" key as an own property without changing the copy prototype', () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as Obj;
    const copy = toJsonSafe(parsed) as Obj;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(safeStringify(parsed)).toBe('{"__proto__":{"polluted":true},"a":1}');
    expect(({} as Obj).polluted).toBeUndefined();
  });

  it('ignores symbol-keyed properties', () => {
    expect(toJsonSafe({ [Symbol('hidden')]: 1, shown: 2 })).toStrictEqual({ shown: 2 });
  });

  it('copies own enumerable properties of class instances, not prototype getters', () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
      get length(): number {
        return Math.hypot(this.x, this.y);
      }
    }
    expect(toJsonSafe(new Point(3, 4))).toStrictEqual({ x: 3, y: 4 });
  });

  it('honours toJSON() on class instances and plain objects', () => {
    class Money {
      constructor(
        readonly amount: number,
        readonly currency: string,
      ) {}
      toJSON(): string {
        return `${this.amount} ${this.currency}`;
      }
    }
    expect(toJsonSafe({ price: new Money(5, 'EUR') })).toStrictEqual({ price: '5 EUR' });
    expect(toJsonSafe({ toJSON: () => ({ replaced: true }) })).toStrictEqual({ replaced: true });
    const hidden = Object.defineProperty({ a: 1 }, 'toJSON', { value: () => 'hidden', enumerable: false });
    expect(toJsonSafe({ hidden })).toStrictEqual({ hidden: 'hidden' });
  });

  it('falls back to own properties when toJSON() throws', () => {
    class Fragile {
      id = 7;
      toJSON(): never {
        throw new Error('no json');
      }
    }
    expect(toJsonSafe(new Fragile())).toStrictEqual({ id: 7 });
  });
});

describe('toJsonSafe: cycles and depth', () => {
  it('replaces a reference to an ancestor with "[Circular]"', () => {
    const node: Obj = { name: 'root', children: [] };
    (node.children as unknown[]).push({ parent: node });
    node.self = node;
    expect(toJsonSafe(node)).toStrictEqual({
      name: 'root',
      children: [{ parent: '[Circular]' }],
      self: '[Circular]',
    });
  });

  it('copies an object shared by siblings each time it appears (it is not a cycle)', () => {
    const shared = { x: 1 };
    expect(toJsonSafe({ a: shared, b: [shared, shared] })).toStrictEqual({
      a: { x: 1 },
      b: [{ x: 1 }, { x: 1 }],
    });
  });

  it('replaces containers deeper than maxDepth with "[Max depth]"', () => {
    expect(toJsonSafe({ a: { b: { c: 1 } } }, { maxDepth: 2 })).toStrictEqual({ a: { b: '[Max depth]' } });
    expect(toJsonSafe({ a: [1] }, { maxDepth: 0 })).toBe('[Max depth]');
    const deep = JSON.stringify(toJsonSafe(nestedArrays(40)));
    expect(deep).toBe(`${'['.repeat(32)}"[Max depth]"${']'.repeat(32)}`);
  });

  it('handles a 100,000-deep nested array quickly, without overflowing the stack, and marks it', () => {
    const value = nestedArrays(100_000);
    let text = '';
    const ms = elapsedMs(() => {
      text = safeStringify(value);
    });
    expect(ms).toBeLessThan(1000);
    expect(text).toContain('"[Max depth]"');
    expect(JSON.stringify(toJsonSafe(value, { maxDepth: 1e9 }))).toContain('"[Max depth]"'); // clamped to 1000
  });
});

describe('toJsonSafe: built-in types', () => {
  it('turns a Map with string/number keys into a plain object', () => {
    expect(
      toJsonSafe(
        new Map<unknown, unknown>([
          ['a', 1],
          [2, 'b'],
        ]),
      ),
    ).toStrictEqual({ a: 1, 2: 'b' });
  });

  it('turns a Map with other keys into an array of [key, value] pairs', () => {
    expect(
      toJsonSafe(
        new Map<unknown, unknown>([
          [{ id: 1 }, 'x'],
          ['k', undefined],
        ]),
      ),
    ).toStrictEqual([
      [{ id: 1 }, 'x'],
      ['k', null],
    ]);
  });

  it('turns a Set into an array', () => {
    expect(toJsonSafe(new Set([1, 'two', { three: 3 }]))).toStrictEqual([1, 'two', { three: 3 }]);
  });

  it('turns a Date into its ISO string, and an invalid one into "Invalid Date"', () => {
    expect(toJsonSafe(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(toJsonSafe({ at: new Date(Number.NaN) })).toStrictEqual({ at: 'Invalid Date' });
  });

  it('turns a URL into its href and a RegExp into its /source/flags form', () => {
    expect(toJsonSafe(new URL('https://example.com/a?b=1'))).toBe('https://example.com/a?b=1');
    expect(toJsonSafe(/ab+c/gi)).toBe('/ab+c/gi');
  });

  it('labels promises, WeakMaps and WeakSets', () => {
    expect(toJsonSafe([Promise.resolve(1), new WeakMap(), new WeakSet()])).toStrictEqual([
      '[Promise]',
      '[WeakMap]',
      '[WeakSet]',
    ]);
  });

  it('unwraps boxed primitives', () => {
    expect(toJsonSafe([new Number(3), new String('s'), new Boolean(false), Object(5n)])).toStrictEqual([
      3,
      's',
      false,
      '5',
    ]);
  });
});

describe('toJsonSafe: errors', () => {
  it('copies name, message, stack, cause (recursively) and own enumerable properties', () => {
    const error = Object.assign(new Error('outer', { cause: new TypeError('inner') }), { code: 'E42' });
    const out = toJsonSafe(error) as Obj;
    expect(out).toMatchObject({ name: 'Error', message: 'outer', code: 'E42' });
    expect(typeof out.stack).toBe('string');
    expect(out.cause).toMatchObject({ name: 'TypeError', message: 'inner' });
    expect(typeof (out.cause as Obj).stack).toBe('string');
  });

  it('handles Error subclasses and a cause that points back at the error', () => {
    class HttpError extends Error {
      override name = 'HttpError';
      status = 404;
    }
    const error = new HttpError('not found');
    error.cause = error;
    expect(toJsonSafe(error)).toMatchObject({
      name: 'HttpError',
      message: 'not found',
      status: 404,
      cause: '[Circular]',
    });
  });

  it('copies the errors of an AggregateError', () => {
    const out = toJsonSafe(new AggregateError([new Error('a')], 'many')) as Obj;
    expect(out).toMatchObject({ name: 'AggregateError', message: 'many', errors: [{ message: 'a' }] });
  });
});

describe('toJsonSafe: binary data', () => {
  it('describes a small Buffer with its base64 content', () => {
    expect(toJsonSafe(Buffer.from('hi'))).toStrictEqual({ type: 'Buffer', byteLength: 2, base64: 'aGk=' });
  });

  it('describes typed arrays, ArrayBuffers and DataViews by their own bytes only', () => {
    const buffer = new Uint8Array([9, 1, 2, 3, 9]).buffer;
    expect(toJsonSafe(new Uint8Array(buffer, 1, 3))).toStrictEqual({
      type: 'Uint8Array',
      byteLength: 3,
      base64: 'AQID',
    });
    expect(toJsonSafe(new Float64Array(2))).toMatchObject({ type: 'Float64Array', byteLength: 16 });
    expect(toJsonSafe(buffer)).toStrictEqual({ type: 'ArrayBuffer', byteLength: 5, base64: 'CQECAwk=' });
    expect(toJsonSafe(new DataView(buffer, 1, 2))).toStrictEqual({
      type: 'DataView',
      byteLength: 2,
      base64: 'AQI=',
    });
  });

  it('keeps only the size of binary data over 1024 bytes, marked truncated', () => {
    expect(toJsonSafe(Buffer.alloc(1024))).toHaveProperty('base64');
    expect(toJsonSafe(Buffer.alloc(1025))).toStrictEqual({
      type: 'Buffer',
      byteLength: 1025,
      truncated: true,
    });
    expect(toJsonSafe(new Uint32Array(1000))).toStrictEqual({
      type: 'Uint32Array',
      byteLength: 4000,
      truncated: true,
    });
  });
});

describe('toJsonSafe: hostile values', () => {
  it('turns a throwing getter into "[Throws: <message>]"', () => {
    const value = withThrowingGetter({ ok: 1 }, 'bad', new Error('nope'));
    expect(toJsonSafe(value)).toStrictEqual({ ok: 1, bad: '[Throws: nope]' });
    expect(toJsonSafe(withThrowingGetter({}, 'str', 'plain string'))).toStrictEqual({
      str: '[Throws: plain string]',
    });
    expect(safeStringify(value)).toBe('{"ok":1,"bad":"[Throws: nope]"}');
  });

  it('survives a thrown value that itself throws when inspected', () => {
    const value = withThrowingGetter({}, 'bad', revokedProxy({}));
    expect(toJsonSafe(value)).toStrictEqual({ bad: '[Throws]' });
  });

  it('turns a revoked proxy into "[Unserializable]"', () => {
    expect(toJsonSafe(revokedProxy({ a: 1 }))).toBe('[Unserializable]');
    expect(toJsonSafe({ list: revokedProxy([1, 2]) })).toStrictEqual({ list: '[Unserializable]' });
    expect(safeStringify(revokedProxy({}))).toBe('"[Unserializable]"');
  });

  it('turns a proxy whose traps throw into "[Unserializable]", or labels the properties it cannot read', () => {
    const boom = (): never => {
      throw new Error('trap');
    };
    expect(toJsonSafe(new Proxy({}, { ownKeys: boom }))).toBe('[Unserializable]');
    expect(toJsonSafe(new Proxy({}, { getPrototypeOf: boom }))).toBe('[Unserializable]');
    expect(toJsonSafe(new Proxy({ a: 1 }, { get: boom }))).toStrictEqual({ a: '[Throws: trap]' });
  });

  it('labels look-alike objects whose built-in brand checks fail instead of throwing', () => {
    expect(toJsonSafe(Object.create(Map.prototype))).toBe('[Unserializable]');
    expect(toJsonSafe(Object.create(Date.prototype))).toBe('[Unserializable]');
  });

  it('labels an error whose message getter throws', () => {
    const error = new Error('x');
    Object.defineProperty(error, 'message', {
      get() {
        throw new Error('hidden');
      },
    });
    expect(toJsonSafe(error)).toMatchObject({ name: 'Error', message: '[Throws: hidden]' });
  });
});

describe('toJsonSafe: size caps', () => {
  it('cuts strings longer than maxStringLength and says how much was cut', () => {
    expect(toJsonSafe('abcdef', { maxStringLength: 3 })).toBe('abc…[truncated 3 chars]');
    expect(toJsonSafe('😀😀', { maxStringLength: 3 })).toBe('😀…[truncated 2 chars]'); // pair not split
  });

  it('keeps the first maxItems array items and adds a "[N more items]" item', () => {
    const out = toJsonSafe(Array.from({ length: 1005 }, (_, i) => i)) as unknown[];
    expect(out).toHaveLength(1001);
    expect(out[999]).toBe(999);
    expect(out[1000]).toBe('[5 more items]');
  });

  it('keeps the first maxItems object keys and adds a "…" key with the count left', () => {
    const out = toJsonSafe({ a: 1, b: 2, c: 3, d: 4 }, { maxItems: 2 });
    expect(out).toStrictEqual({ a: 1, b: 2, '…': '[2 more keys]' });
  });

  it('applies maxItems to Maps and Sets', () => {
    const map = new Map(Array.from({ length: 5 }, (_, i) => [`k${i}`, i]));
    expect(toJsonSafe(map, { maxItems: 2 })).toStrictEqual({ k0: 0, k1: 1, '…': '[3 more entries]' });
    expect(toJsonSafe(new Set([1, 2, 3]), { maxItems: 1 })).toStrictEqual([1, '[2 more items]']);
  });

  it('stops copying a huge shared-reference graph early and marks where it stopped', () => {
    // 2^60 paths through 61 objects: a full copy would never finish.
    let node: Obj = { leaf: 'x' };
    for (let i = 0; i < 60; i++) node = { left: node, right: node };
    let copy: unknown;
    let text = '';
    const ms = elapsedMs(() => {
      copy = toJsonSafe(node, { maxLength: 10_000 });
      text = safeStringify(node, { maxLength: 10_000 });
    });
    expect(ms).toBeLessThan(2000);
    const copyText = JSON.stringify(copy);
    expect(copyText).toContain('[Truncated: size limit]');
    expect(copyText.length).toBeLessThan(20_000);
    expect(text.length).toBeLessThanOrEqual(10_000);
    const marker = JSON.parse(text) as Obj;
    expect(marker.truncated).toBe(true);
    expect(marker).not.toHaveProperty('originalLength'); // never computed in full
  });
});

describe('safeStringify', () => {
  it('returns the JSON text of toJsonSafe(value)', () => {
    const value = { a: 1, b: 'x', c: [1, 2, 3], d: new Date(0), e: 1n, f: new Set([1]) };
    expect(safeStringify(value)).toBe(JSON.stringify(toJsonSafe(value)));
    expect(safeStringify({ a: 1, b: 'x', c: [1, 2, 3] })).toBe('{"a":1,"b":"x","c":[1,2,3]}');
    expect(safeStringify('plain')).toBe('"plain"');
  });

  it('replaces text over maxLength with a {truncated, originalLength, preview} marker that fits', () => {
    const value = 'é'.repeat(1000);
    const full = JSON.stringify(value);
    const text = safeStringify(value, { maxLength: 300 });
    expect(text.length).toBeLessThanOrEqual(300);
    const marker = JSON.parse(text) as { truncated: boolean; originalLength: number; preview: string };
    expect(marker).toStrictEqual({ truncated: true, originalLength: full.length, preview: marker.preview });
    expect(full.startsWith(marker.preview)).toBe(true);
    expect(marker.preview.length).toBeGreaterThan(200);
  });

  it('omits originalLength when the output budget stopped the copy early', () => {
    const value = { items: Array.from({ length: 500 }, (_, i) => `item-${i}`) };
    const text = safeStringify(value, { maxLength: 300 });
    expect(text.length).toBeLessThanOrEqual(300);
    const marker = JSON.parse(text) as Obj;
    expect(marker.truncated).toBe(true);
    expect(marker).not.toHaveProperty('originalLength');
    expect(JSON.stringify(value).startsWith(marker.preview as string)).toBe(true);
  });

  it('fits the preview even when most characters need escaping', () => {
    const text = safeStringify(['"\\\n'.repeat(1000)], { maxLength: 100, maxStringLength: 1e9 });
    expect(text.length).toBeLessThanOrEqual(100);
    expect(JSON.parse(text)).toMatchObject({ truncated: true });
  });

  it('returns valid JSON even for the smallest maxLength', () => {
    const text = safeStringify({ long: 'x'.repeat(1000) }, { maxLength: 1 });
    expect(text.length).toBeLessThanOrEqual(20);
    expect(JSON.parse(text)).toStrictEqual({ truncated: true });
  });

  it('handles a 5 MB string quickly, cutting it to maxStringLength with a marker', () => {
    const big = 'a'.repeat(5 * 1024 * 1024);
    let text = '';
    const ms = elapsedMs(() => {
      text = safeStringify({ big });
    });
    expect(ms).toBeLessThan(1000);
    const out = JSON.parse(text) as { big: string };
    expect(out.big).toHaveLength(64 * 1024 + '…[truncated 5177344 chars]'.length);
    expect(out.big.endsWith('…[truncated 5177344 chars]')).toBe(true);
  });

  it('marks a 5 MB string as truncated output when maxStringLength allows it but maxLength does not', () => {
    const big = 'a'.repeat(5 * 1024 * 1024);
    const text = safeStringify(big, { maxStringLength: Number.POSITIVE_INFINITY });
    expect(text.length).toBeLessThanOrEqual(256 * 1024);
    expect(JSON.parse(text)).toMatchObject({ truncated: true, originalLength: big.length + 2 });
  });
});

// ---------------------------------------------------------------------------------------------------
// Property-based fuzzing
// ---------------------------------------------------------------------------------------------------

const hostileFactories: ReadonlyArray<() => unknown> = [
  () => revokedProxy({ a: 1 }),
  () => revokedProxy([1]),
  () =>
    new Proxy(
      { a: 1 },
      {
        ownKeys() {
          throw new Error('ownKeys trap');
        },
      },
    ),
  () =>
    new Proxy(
      { a: 1 },
      {
        get() {
          throw new Error('get trap');
        },
      },
    ),
  () => withThrowingGetter({ ok: true }, 'bad', new Error('getter')),
  () => withThrowingGetter({}, 'bad', revokedProxy({})),
  () => function named() {},
  () => () => 1,
  () => class Widget {},
  () => new Error('boom', { cause: new TypeError('inner') }),
  () => {
    const error = new RangeError('self');
    error.cause = error;
    return Object.assign(error, { code: 'E1' });
  },
  () => Symbol('fuzz'),
  () => Promise.resolve(1),
  () => new WeakMap(),
  () => new URL('https://example.com/?q="x"'),
  () => /re"gex/gi,
  () => new Date(Number.NaN),
  () => Buffer.from('buffer'),
  () => new ArrayBuffer(2000),
  () => new DataView(new ArrayBuffer(3)),
  () => Object.create(Map.prototype) as unknown,
  () => new Map<unknown, unknown>([[{ key: 1 }, new Set([1n])]]),
  () => ({
    toJSON() {
      throw new Error('toJSON');
    },
  }),
  () => ({ toJSON: () => ({ nested: [undefined, -0] }) }),
  () => 'x'.repeat(300),
];

/**
 * Stands for one hostile value in a generated recipe. fast-check inspects the values it generates
 * (revoked proxies would make it throw), so the hostile values are only built inside the property.
 */
class HostileToken {
  constructor(readonly index: number) {}
}

const hostileToken = fc.nat({ max: hostileFactories.length - 1 }).map((index) => new HostileToken(index));

const anythingConstraints = {
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
  withBoxedValues: true,
  withObjectString: true,
  stringUnit: 'binary',
} as const;

const leafValues = [
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ unit: 'binary' }),
  fc.bigInt(),
  fc.constantFrom(null, undefined, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  hostileToken,
];

const recipe = fc.oneof(
  fc.anything(anythingConstraints),
  fc.anything({ ...anythingConstraints, values: leafValues }),
  hostileToken,
);

/** Odd picks add nothing; even ones add a reference from a container back to one of its ancestors. */
const cyclePicks = fc.array(fc.nat(), { minLength: 1, maxLength: 8 });

function isPlainContainer(value: unknown): value is Obj | unknown[] {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Builds the value a recipe describes: hostile tokens become hostile values, and cycles are added. */
function materialize(source: unknown, picks: readonly number[]): unknown {
  let count = 0;
  const ancestorFor = (path: object[]): object | undefined => {
    const pick = picks[count++ % picks.length];
    return pick % 2 === 0 ? path[pick % path.length] : undefined;
  };
  const build = (node: unknown, path: object[]): unknown => {
    if (node instanceof HostileToken) return hostileFactories[node.index]();
    if (path.length > 10) return node;
    if (node instanceof Map) {
      const out = new Map<unknown, unknown>();
      for (const [key, value] of node) out.set(key, build(value, [...path, out]));
      const ancestor = ancestorFor([...path, out]);
      if (ancestor) out.set('cycle', ancestor);
      return out;
    }
    if (node instanceof Set) {
      const out = new Set<unknown>();
      for (const value of node) out.add(build(value, [...path, out]));
      const ancestor = ancestorFor([...path, out]);
      if (ancestor) out.add(ancestor);
      return out;
    }
    if (!isPlainContainer(node)) return node;
    const out: Obj | unknown[] = Array.isArray(node)
      ? new Array<unknown>(node.length) // keeps holes of sparse arrays
      : Object.getPrototypeOf(node) === null
        ? (Object.create(null) as Obj)
        : {};
    for (const key of Object.keys(node)) {
      const value = build((node as Obj)[key], [...path, out]);
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    }
    const ancestor = ancestorFor([...path, out]);
    if (ancestor) {
      if (Array.isArray(out)) out.push(ancestor);
      else out[`cycle${count}`] = ancestor;
    }
    return out;
  };
  return build(source, []);
}

describe('property-based fuzzing', () => {
  it('never throws, always returns valid JSON within maxLength, and toJsonSafe output is JSON-safe', () => {
    fc.assert(
      fc.property(recipe, cyclePicks, (source, picks) => {
        const value = materialize(source, picks);
        const text = safeStringify(value);
        expect(text.length).toBeLessThanOrEqual(256 * 1024);
        JSON.parse(text);

        const small = safeStringify(value, { maxLength: 200 });
        expect(small.length).toBeLessThanOrEqual(200);
        JSON.parse(small);

        const safe = toJsonSafe(value);
        if (safe === undefined) {
          expect(text).toBe('null');
          return;
        }
        const safeText = JSON.stringify(safe);
        expect(JSON.parse(safeText)).toStrictEqual(safe);
        if (safeText.length <= 256 * 1024) expect(text).toBe(safeText);
      }),
      { numRuns: 10_000 },
    );
  }, 60_000);

  it('copies plain JSON values unchanged (modulo -0) and stringifies them like JSON.stringify', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        const expected = JSON.parse(JSON.stringify(value)) as unknown; // turns -0 into 0
        expect(toJsonSafe(value)).toStrictEqual(expected);
        expect(safeStringify(value)).toBe(JSON.stringify(value));
      }),
      { numRuns: 2_000 },
    );
  }, 30_000);
});
