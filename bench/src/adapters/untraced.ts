import type { Adapter } from './types.js';

/** The baseline: the function itself, no tracing. */
export const untraced: Adapter = {
  name: 'untraced',
  describe: 'the plain function, awaited in the same loop',
  async setup() {},
  traced: (fn) => fn,
  tracedSync: (fn) => fn,
  async flush() {},
  async teardown() {},
};
