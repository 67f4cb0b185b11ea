import { afterEach, describe, expect, it } from 'vitest';
import { type LiveSpan, startSpan, trace, withSpan } from '../src/index.js';
import { registerParentResolver, runInSpan } from '../src/plugin/index.js';
import { memoryTracing, tree } from './helpers.js';

describe('registerParentResolver', () => {
  let unregister: (() => void) | undefined;
  afterEach(() => unregister?.());

  it('makes the resolved span the parent of spans started without one', async () => {
    const t = memoryTracing();
    const run = startSpan({ name: 'integration-run', parent: null });
    let current: LiveSpan | undefined = run;
    unregister = registerParentResolver(() => current);
    trace(() => 1, { name: 'inside' })();
    current = undefined;
    run.end();
    trace(() => 2, { name: 'outside' })();
    const traces = await t.traces();
    expect(traces.map((r) => tree(r))).toEqual([
      { 'integration-run': null, inside: 'integration-run' },
      { outside: null },
    ]);
  });

  it('keeps the current span when it lies under the resolved span, and the resolved one when it is deeper', async () => {
    const t = memoryTracing();
    let resolved: LiveSpan | undefined;
    unregister = registerParentResolver(() => resolved);
    await withSpan(
      async () => {
        resolved = startSpan({ name: 'run' });
        // Resolved span deeper than the current span: it wins.
        trace(() => undefined, { name: 'in-run' })();
        // A span started under the run and made current: it is deeper, so it wins.
        const user = startSpan({ name: 'user-step' });
        runInSpan(user, () => trace(() => undefined, { name: 'in-user-step' })());
        user.end();
        resolved.end();
      },
      { name: 'request' },
    );
    const [record] = await t.traces();
    expect(tree(record)).toEqual({
      request: null,
      run: 'request',
      'in-run': 'run',
      'user-step': 'run',
      'in-user-step': 'user-step',
    });
  });

  it('ignores an ended resolved span and a resolver that throws', async () => {
    const t = memoryTracing();
    const ended = startSpan({ name: 'old', parent: null });
    ended.end();
    unregister = registerParentResolver(() => ended);
    const unregisterThrowing = registerParentResolver(() => {
      throw new Error('broken resolver');
    });
    try {
      withSpan(() => trace(() => undefined, { name: 'child' })(), { name: 'root' });
    } finally {
      unregisterThrowing();
    }
    const traces = await t.traces();
    expect(tree(traces[1])).toEqual({ root: null, child: 'root' });
  });
});
