import { describe, expect, it } from 'vitest';
import { MemoryDestination } from '../../src/index.js';
import { simpleTrace, traceIdOf } from '../store/fixtures.js';

const ids = (mem: MemoryDestination) => mem.traces.map((t) => t.info.traceId);

describe('MemoryDestination', () => {
  it('keeps traces newest last, replaces a trace written again, and forgets the oldest past its bound', () => {
    const mem = new MemoryDestination({ maxTraces: 3 });
    mem.export([simpleTrace(1), simpleTrace(2)]);
    const again = simpleTrace(1);
    again.info.state = 'ERROR';
    mem.export([again]);
    expect(ids(mem)).toEqual([traceIdOf(2), traceIdOf(1)]);
    expect(mem.getTrace(traceIdOf(1))?.info.state).toBe('ERROR');
    mem.export([simpleTrace(3), simpleTrace(4)]);
    expect(ids(mem)).toEqual([traceIdOf(1), traceIdOf(3), traceIdOf(4)]);
    // A forgotten trace written again comes back once, not twice.
    mem.export([simpleTrace(2), simpleTrace(2)]);
    expect(ids(mem)).toEqual([traceIdOf(3), traceIdOf(4), traceIdOf(2)]);
  });

  it('stays correct when callers edit its list, and after clear()', () => {
    const mem = new MemoryDestination();
    mem.export([simpleTrace(1), simpleTrace(2)]);
    mem.traces.splice(0, 1);
    mem.export([simpleTrace(1), simpleTrace(2)]);
    expect(ids(mem)).toEqual([traceIdOf(1), traceIdOf(2)]);
    mem.clear();
    mem.export([simpleTrace(2)]);
    expect(ids(mem)).toEqual([traceIdOf(2)]);
  });

  it('does not scan its list for each new trace', () => {
    const mem = new MemoryDestination({ maxTraces: 5_000 });
    let reads = 0;
    const counted = (n: number) => {
      const t = simpleTrace(n);
      const id = t.info.traceId;
      Object.defineProperty(t.info, 'traceId', {
        get: () => {
          reads++;
          return id;
        },
      });
      return t;
    };
    const batch = Array.from({ length: 5_000 }, (_, i) => counted(i + 1));
    for (let i = 0; i < batch.length; i += 100) mem.export(batch.slice(i, i + 100));
    expect(mem.traces).toHaveLength(5_000);
    // A scan per new trace reads ids n²/2 times (12.5 million here); a lookup, a few per trace.
    expect(reads).toBeLessThan(5 * 5_000);
  });
});
