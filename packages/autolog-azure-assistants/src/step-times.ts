// Where each run step sits in time. The API stamps steps in whole seconds, so for a polled run
// the known moments (steps seen through a stream, function calls answered in this process) anchor
// the others, which keep their order between them.

/** When something was seen to start and end, in epoch ns. */
export interface SeenTimes {
  firstNs: number;
  lastNs: number;
}

export interface StepTime {
  startNs: number;
  endNs: number;
  /** Placed from the API's whole-second stamps and its neighbours, not seen. */
  estimated?: boolean;
}

const seconds = (v: unknown): number | undefined => (typeof v === 'number' ? v * 1e9 : undefined);

/**
 * Start and end of each step (in the given order) inside the run's span `[rootStartNs, rootEndNs]`.
 * A step seen live keeps its times; any other step starts no earlier than the step before it ends
 * and ends no later than the next seen step starts, using the API's timestamps within those bounds.
 *
 * @example
 * layoutSteps(steps, { seen, calls }, run.startTimeNs, endNs).get(step.id); // { startNs, endNs }
 */
export function layoutSteps(
  steps: any[],
  known: { seen: Map<string, SeenTimes>; calls: Map<string, SeenTimes> },
  rootStartNs: number,
  rootEndNs: number,
): Map<string, StepTime> {
  const hi = Math.max(rootStartNs, rootEndNs);
  const clamp = (v: number, lo: number, up: number) => Math.min(up, Math.max(lo, v));
  const anchors = steps.map((step) => anchorOf(step, known));
  const out = new Map<string, StepTime>();
  let cursor = rootStartNs;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const anchor = anchors[i];
    if (anchor) {
      const startNs = clamp(anchor.firstNs, rootStartNs, hi);
      out.set(step.id, { startNs, endNs: clamp(anchor.lastNs, startNs, hi) });
      cursor = Math.max(cursor, out.get(step.id)!.endNs);
      continue;
    }
    const nextAnchor = anchors.slice(i + 1).find(Boolean);
    const bound = nextAnchor ? clamp(nextAnchor.firstNs, cursor, hi) : hi;
    const startNs = clamp(seconds(step.created_at) ?? cursor, cursor, bound);
    const apiEnd = seconds(step.completed_at ?? step.failed_at ?? step.cancelled_at ?? step.expired_at);
    let endNs = clamp(apiEnd ?? bound, startNs, bound);
    // A whole-second stamp rounded below the start: the last step before a known moment lasts until it.
    const lastInWindow = i + 1 >= steps.length || anchors[i + 1] !== undefined;
    if (endNs === startNs && lastInWindow) endNs = bound;
    out.set(step.id, { startNs, endNs, estimated: true });
    cursor = endNs;
  }
  return out;
}

/** Exact times of a step: seen through a stream, or (a function-call step) from requires_action to the submission. */
function anchorOf(
  step: any,
  known: { seen: Map<string, SeenTimes>; calls: Map<string, SeenTimes> },
): SeenTimes | undefined {
  const seen = known.seen.get(step?.id);
  if (seen) return seen;
  const calls: any[] = step?.step_details?.tool_calls ?? [];
  const times = calls.map((c) => (c?.type === 'function' ? known.calls.get(c.id) : undefined));
  if (!calls.length || times.some((t) => !t)) return undefined;
  return {
    firstNs: Math.min(...times.map((t) => t!.firstNs)),
    lastNs: Math.max(...times.map((t) => t!.lastNs)),
  };
}
