/** Longest time the call that ends a run is held back while the run's details are read. */
export const DETAILS_WAIT_MS = 5_000;

/**
 * Holds back what the app receives until the run's span has ended, so a trace is complete (and
 * searchable) when the app sees the run's terminal state — but never longer than `DETAILS_WAIT_MS`.
 * The value is the SDK's own object, unchanged; without `ended` it is returned at once.
 *
 * @example
 * onData: (run) => afterRunEnds(tracker.observe(run, 'poll'), run)
 */
export function afterRunEnds<T>(ended: Promise<void> | undefined, value: T): T | Promise<T> {
  if (!ended) return value;
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(value), DETAILS_WAIT_MS);
    timer.unref?.();
  });
  const ran = ended.then(
    () => value,
    () => value,
  );
  return Promise.race([ran, waited]).finally(() => clearTimeout(timer));
}
