/** Options and results of `getTraceStats`. */

export interface TraceStatsOptions {
  experimentIds?: readonly string[];
  /** Only traces matching this filter (the `searchTraces` language). */
  filterString?: string;
  /** `metadata.<key>`, `tags.<key>`, `trace.status` or `trace.name`, or several of them. */
  groupBy?: string | readonly string[];
  /** Also group by UTC hour or day (group key `time`). */
  interval?: 'hour' | 'day';
}

/** Statistics of one group (of all matching traces when there is no `groupBy`). */
export interface TraceStats {
  /** The group's values by key label (e.g. `{ 'metadata.app_version': '1.1.0' }`); null where a trace lacks the key. */
  group: Record<string, string | null>;
  count: number;
  /** Distinct `mlflow.trace.user` values. */
  users: number;
  /** Distinct `mlflow.trace.session` values. */
  sessions: number;
  errors: number;
  /** `errors / count`. */
  errorRate: number;
  /** Execution time in ms; p50/p95 interpolate linearly between ranks (as numpy and pandas). */
  latencyMs: { mean: number; p50: number; p95: number; min: number; max: number };
  tokens: { input: number; output: number; total: number };
  /** Sum of `mlflow.trace.cost` totals (USD). */
  costUsd: number;
  /** Epoch ms of the first and last request in the group. */
  firstRequestTime: number;
  lastRequestTime: number;
}
