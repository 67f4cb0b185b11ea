/**
 * The promises every Autolog integration keeps (DESIGN §6), as checks each plugin's tests run
 * against its real SDK and a testkit server:
 *
 * - a call makes exactly one trace, whose root span has the integration's type and is OK, and
 *   every span of it ended once;
 * - what the SDK returns keeps its own type (same prototype, same methods);
 * - a failing call rejects with the SDK's error, and the span is ERROR with an `exception`
 *   event naming the error's class;
 * - enabling twice traces once; disabling stops tracing, twice is harmless, and enabling again
 *   traces again.
 *
 * Framework-free (node:assert): a test file registers them with its own runner.
 *
 * @example
 * for (const check of pluginConformance(harness)) it(check.name, check.run);
 */
import assert from 'node:assert/strict';

/** The parts of an exported span the checks read. */
export interface ConformanceSpan {
  name: string;
  parentId: string | null;
  spanType?: string;
  endTimeNs: number | null;
  status: { code: string; message?: string };
  events: ReadonlyArray<{ name: string; attributes: Readonly<Record<string, unknown>> }>;
}

export interface PluginHarness {
  /** Shown in failure messages. */
  name: string;
  /** Turns the integration on (as the app would: `autolog()` of the package). */
  enable(): unknown;
  /** Turns it off. */
  disable(): void;
  /** Starts a fresh capture of exported spans. */
  reset(): void | Promise<void>;
  /** Every span exported since `reset`, once all finished traces are flushed. */
  spans(): Promise<ConformanceSpan[]>;
  /** One call that succeeds, returning exactly what the SDK returns (not awaited). */
  call(): unknown;
  /** Waits for a result of `call()` to be used up (awaits it; reads a stream to its end). */
  consume(result: unknown): Promise<unknown>;
  /** One call the SDK fails, returning exactly what the SDK returns (a promise that rejects). */
  failingCall(): unknown;
  /** The error class the SDK fails `failingCall()` with. */
  failingErrorClass: abstract new (
    ...args: never[]
  ) => Error;
  /** The type of the root span a call gets (e.g. `CHAT_MODEL`, `AGENT`). */
  spanType: string;
}

export interface ConformanceCheck {
  name: string;
  run(): Promise<void>;
}

function methodNames(value: unknown): string[] {
  const names = new Set<string>();
  for (let p = value; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const key of Object.getOwnPropertyNames(p)) {
      if (key !== 'constructor' && typeof (value as Record<string, unknown>)[key] === 'function')
        names.add(key);
    }
  }
  return [...names].sort();
}

const roots = (spans: ConformanceSpan[]) => spans.filter((s) => s.parentId === null).length;

async function callSpans(h: PluginHarness, times = 1): Promise<ConformanceSpan[]> {
  await h.reset();
  for (let i = 0; i < times; i++) await h.consume(h.call());
  return h.spans();
}

/** The checks, in order; each leaves the integration enabled. */
export function pluginConformance(h: PluginHarness): ConformanceCheck[] {
  const where = `(${h.name})`;
  return [
    {
      name: 'a call makes exactly one trace, its root of the integration’s type and OK, every span ended once',
      async run() {
        await h.enable();
        const spans = await callSpans(h);
        const roots = spans.filter((s) => s.parentId === null);
        assert.equal(roots.length, 1, `one trace per call ${where}`);
        assert.equal(roots[0].spanType, h.spanType, `span type ${where}`);
        assert.equal(roots[0].status.code, 'OK', `status ${where}`);
        for (const span of spans)
          assert.ok(span.endTimeNs !== null && span.endTimeNs > 0, `${span.name} ended ${where}`);
        // Flushing again exports nothing more: no span ended a second time.
        assert.equal((await h.spans()).length, spans.length, `no second end ${where}`);
      },
    },
    {
      name: 'what the SDK returns keeps its own type and methods',
      async run() {
        h.disable();
        const untraced = h.call();
        await h.enable();
        const traced = h.call();
        try {
          assert.equal(
            Object.getPrototypeOf(traced),
            Object.getPrototypeOf(untraced),
            `same prototype ${where}`,
          );
          assert.deepEqual(methodNames(traced), methodNames(untraced), `same methods ${where}`);
        } finally {
          await Promise.all([h.consume(untraced), h.consume(traced)]);
        }
      },
    },
    {
      name: "a failing call rejects with the SDK's error and the span records it",
      async run() {
        await h.enable();
        await h.reset();
        const result = h.failingCall();
        let caught: unknown;
        try {
          await h.consume(result);
        } catch (err) {
          caught = err;
        }
        assert.ok(
          caught instanceof h.failingErrorClass,
          `the SDK's own error class reaches the caller ${where}`,
        );
        const roots = (await h.spans()).filter((s) => s.parentId === null);
        assert.equal(roots.length, 1, `one trace ${where}`);
        const [span] = roots;
        assert.equal(span.status.code, 'ERROR', `status ${where}`);
        const exception = span.events.find((e) => e.name === 'exception');
        assert.ok(exception, `an exception event ${where}`);
        assert.equal(
          exception.attributes['exception.type'],
          (caught as Error).constructor.name,
          `error class ${where}`,
        );
        assert.equal(
          exception.attributes['exception.message'],
          (caught as Error).message,
          `error message ${where}`,
        );
      },
    },
    {
      name: 'enabling twice traces once',
      async run() {
        await h.enable();
        await h.enable();
        assert.equal(roots(await callSpans(h)), 1, `one trace per call ${where}`);
      },
    },
    {
      name: 'disabling stops tracing, twice is harmless, and enabling again traces again',
      async run() {
        await h.enable();
        h.disable();
        h.disable();
        assert.equal((await callSpans(h)).length, 0, `no span while disabled ${where}`);
        await h.enable();
        assert.equal(roots(await callSpans(h, 2)), 2, `traced again ${where}`);
      },
    },
  ];
}
