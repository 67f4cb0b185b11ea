import { describe, expect, it } from 'vitest';
import { layoutSteps } from '../src/step-times.js';

const S = 1e9;
const step = (id: string, created: number, completed: number, calls: object[] = []) => ({
  id,
  created_at: created,
  completed_at: completed,
  step_details: { tool_calls: calls },
});

describe('placing run steps in time', () => {
  it('keeps polled steps in order around a function call answered in this process', () => {
    // The run span is 100.3 s → 100.9 s; the API stamps steps in whole seconds.
    const steps = [
      step('search', 100, 101),
      step('fn', 100, 100, [{ id: 'call_1', type: 'function' }]),
      step('message', 100, 100),
    ];
    const calls = new Map([['call_1', { firstNs: 100.5 * S, lastNs: 100.6 * S }]]);
    const times = layoutSteps(steps, { seen: new Map(), calls }, 100.3 * S, 100.9 * S);
    expect(times.get('search')).toEqual({ startNs: 100.3 * S, endNs: 100.5 * S, estimated: true });
    expect(times.get('fn')).toEqual({ startNs: 100.5 * S, endNs: 100.6 * S });
    expect(times.get('message')).toEqual({ startNs: 100.6 * S, endNs: 100.9 * S, estimated: true });
  });

  it('uses the API’s timestamps where they fall inside the run', () => {
    const steps = [step('search', 101, 103), step('message', 103, 106)];
    const times = layoutSteps(steps, { seen: new Map(), calls: new Map() }, 100.5 * S, 107 * S);
    expect(times.get('search')).toEqual({ startNs: 101 * S, endNs: 103 * S, estimated: true });
    expect(times.get('message')).toEqual({ startNs: 103 * S, endNs: 106 * S, estimated: true });
  });

  it('keeps the times of steps seen through a stream', () => {
    const seen = new Map([['message', { firstNs: 100.7 * S, lastNs: 100.8 * S }]]);
    const times = layoutSteps([step('message', 100, 100)], { seen, calls: new Map() }, 100.3 * S, 100.9 * S);
    expect(times.get('message')).toEqual({ startNs: 100.7 * S, endNs: 100.8 * S });
  });
});
