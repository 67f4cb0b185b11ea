import type { FailureSpec } from './types.js';

/** Failures queued by `failNext`, consumed in order by the requests they match. */
export class FailureQueue {
  #pending: Array<FailureSpec & { remaining: number }> = [];

  add(spec: FailureSpec): void {
    this.#pending.push({ ...spec, remaining: Math.max(1, spec.times ?? 1) });
  }

  clear(): void {
    this.#pending = [];
  }

  /** The first failure for this request, if any; mid-stream failures only match streaming requests. */
  take(path: string, streaming: boolean): FailureSpec | undefined {
    const index = this.#pending.findIndex(
      (spec) => (!spec.path || matches(spec.path, path)) && (spec.afterEvents === undefined || streaming),
    );
    if (index < 0) return undefined;
    const spec = this.#pending[index];
    spec.remaining -= 1;
    if (spec.remaining <= 0) this.#pending.splice(index, 1);
    return spec;
  }
}

// A global or sticky RegExp keeps `lastIndex` between calls; test each path from the start.
function matches(pattern: RegExp, path: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(path);
}
