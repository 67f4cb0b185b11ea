export type Work = (x: number) => Promise<number>;
export type WorkSync = (x: number) => number;

export interface Adapter {
  /** Row label in the tables. */
  name: string;
  /**
   * First path segment this adapter's exporter uses on the sink (`<sink>/<key>/...`), so the
   * sink can count what it received. Undefined when the adapter does not export over HTTP.
   */
  sinkKey?: string;
  /** One-line description of the setup, printed in the report. */
  describe: string;
  setup(sinkUrl: string): Promise<void>;
  /** Wraps the trivial async function the way the library's docs suggest. */
  traced(fn: Work): Work;
  /** Same for a synchronous function (memory and never-yielding tests). May return a promise. */
  tracedSync(fn: WorkSync): (x: number) => unknown;
  /** Pushes everything finished so far to the sink (or store) and waits for it. */
  flush(): Promise<void>;
  teardown(): Promise<void>;
  /** Called before this adapter is measured / after (e.g. to register the OTel context manager). */
  activate?(): void;
  deactivate?(): void;
  /**
   * For adapters that do not export to the sink: how many spans have been delivered so far
   * (monotonic), plus a free-form note.
   */
  delivered?(): Promise<{ count: number | undefined; note?: string }>;
  /**
   * Synchronous probe for the memory tests: created right before a loop that never yields, read
   * right after it (still without yielding) with the number of calls the loop made. Returns how
   * many of those spans the library holds in memory at that moment, when it can tell. Without a
   * probe, the bench uses the number the library goes on to deliver (right for libraries that
   * drop on arrival).
   */
  heldProbe?(): (n: number) => number | undefined;
}
