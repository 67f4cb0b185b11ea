/**
 * Trace facts as columns (one entry per trace) and the aggregation behind `getTraceStats`.
 * The memory destination builds the columns from its records; the local store keeps them in
 * a cache synchronised with the file (`facts-cache.ts`). One aggregation serves both.
 */
import { traceCost } from '../cost.js';
import { SESSION_KEY, USER_KEY } from '../store/rows.js';
import type { TraceRecord } from '../types.js';
import type { TraceStats } from './stats-types.js';

/** Strings interned to small integers (-1 stands for null). */
export class Dict {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];

  id(value: string | null | undefined): number {
    if (value === null || value === undefined) return -1;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }

  /** The id of `value` if it was seen, else undefined. */
  find(value: string): number | undefined {
    return this.ids.get(value);
  }

  value(id: number): string | null {
    return id < 0 ? null : this.values[id];
  }
}

/** One column of a group key: a dictionary id per trace. */
export interface GroupColumn {
  label: string;
  ids: number[];
  dict: Dict;
}

/** The per-trace facts statistics read, column-wise. */
export class FactColumns {
  readonly traceId: string[] = [];
  readonly experiment: number[] = [];
  readonly requestTime: number[] = [];
  readonly duration: number[] = [];
  readonly state: number[] = [];
  readonly user: number[] = [];
  readonly session: number[] = [];
  readonly inputTokens: number[] = [];
  readonly outputTokens: number[] = [];
  readonly totalTokens: number[] = [];
  readonly cost: number[] = [];
  readonly experiments = new Dict();
  readonly states = new Dict();
  readonly users = new Dict();
  readonly sessions = new Dict();

  get size(): number {
    return this.traceId.length;
  }

  push(f: {
    traceId: string;
    experimentId: string;
    requestTime: number;
    duration: number;
    state: string;
    user: string | null;
    session: string | null;
    inputTokens: number | null;
    outputTokens: number | null;
    totalTokens: number | null;
    cost: number | null;
  }): void {
    this.traceId.push(f.traceId);
    this.experiment.push(this.experiments.id(f.experimentId));
    this.requestTime.push(f.requestTime);
    this.duration.push(f.duration);
    this.state.push(this.states.id(f.state));
    this.user.push(this.users.id(f.user));
    this.session.push(this.sessions.id(f.session));
    this.inputTokens.push(f.inputTokens ?? 0);
    this.outputTokens.push(f.outputTokens ?? 0);
    this.totalTokens.push(f.totalTokens ?? 0);
    this.cost.push(f.cost ?? 0);
  }
}

/** Columns of in-memory records. */
export function factsOfRecords(records: readonly TraceRecord[]): FactColumns {
  const cols = new FactColumns();
  for (const { info } of records) {
    const md = info.traceMetadata ?? {};
    cols.push({
      traceId: info.traceId,
      experimentId: info.experimentId,
      requestTime: info.requestTime,
      duration: info.executionDuration,
      state: info.state,
      user: md[USER_KEY] ?? null,
      session: md[SESSION_KEY] ?? null,
      inputTokens: info.tokenUsage?.input_tokens ?? null,
      outputTokens: info.tokenUsage?.output_tokens ?? null,
      totalTokens: info.tokenUsage?.total_tokens ?? null,
      cost: traceCost(info) ?? null,
    });
  }
  return cols;
}

/** Linear-interpolation percentile of sorted values (numpy's default), `p` in [0, 1]. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const ix = p * (sorted.length - 1);
  const lo = Math.floor(ix);
  const v = sorted[lo];
  return ix > lo ? v + (sorted[lo + 1] - v) * (ix - lo) : v;
}

/** Group index of each selected row, and the dictionary ids of each group. */
function groupRows(
  positions: ArrayLike<number> | null,
  n: number,
  groups: readonly GroupColumn[],
): { of: Int32Array; keys: number[][] } {
  const of = new Int32Array(n);
  const keys: number[][] = [];
  if (groups.length === 0) {
    if (n > 0) keys.push([]);
    return { of, keys };
  }
  if (groups.length === 1) {
    const { ids, dict } = groups[0];
    const slot = new Int32Array(dict.values.length + 1).fill(-1);
    for (let i = 0; i < n; i++) {
      const id = ids[positions ? positions[i] : i];
      let g = slot[id + 1];
      if (g < 0) {
        g = slot[id + 1] = keys.length;
        keys.push([id]);
      }
      of[i] = g;
    }
    return { of, keys };
  }
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const p = positions ? positions[i] : i;
    const ids = groups.map((c) => c.ids[p]);
    const k = ids.join(',');
    let g = index.get(k);
    if (g === undefined) {
      g = keys.length;
      index.set(k, g);
      keys.push(ids);
    }
    of[i] = g;
  }
  return { of, keys };
}

/** Largest group × value table `distinctPerGroup` marks in place (bytes); beyond it, it sorts. */
const MARK_LIMIT = 8_000_000;

/** Distinct non-null values of `column` (dictionary ids below `dictSize`) per group. */
function distinctPerGroup(
  column: readonly number[],
  dictSize: number,
  positions: ArrayLike<number> | null,
  of: Int32Array,
  groupCount: number,
): Int32Array {
  const out = new Int32Array(groupCount);
  const n = of.length;
  if (groupCount * dictSize <= MARK_LIMIT) {
    const seen = new Uint8Array(groupCount * dictSize);
    for (let i = 0; i < n; i++) {
      const v = column[positions ? positions[i] : i];
      if (v < 0) continue;
      const slot = of[i] * dictSize + v;
      if (seen[slot] === 0) {
        seen[slot] = 1;
        out[of[i]]++;
      }
    }
    return out;
  }
  const pairs = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = column[positions ? positions[i] : i];
    if (v >= 0) pairs[k++] = of[i] * dictSize + v;
  }
  const sorted = pairs.subarray(0, k).sort();
  for (let i = 0; i < k; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) out[Math.floor(sorted[i] / dictSize)]++;
  }
  return out;
}

/**
 * Statistics of the traces at `positions` (every trace when null), grouped by `groups`.
 * Groups come sorted by their values (byte order), nulls last.
 */
export function aggregate(
  cols: FactColumns,
  positions: ArrayLike<number> | null,
  groups: readonly GroupColumn[],
): TraceStats[] {
  const n = positions ? positions.length : cols.size;
  const { of, keys } = groupRows(positions, n, groups);
  const G = keys.length;
  const count = new Float64Array(G);
  const errors = new Float64Array(G);
  const sum = new Float64Array(G);
  const input = new Float64Array(G);
  const output = new Float64Array(G);
  const total = new Float64Array(G);
  const cost = new Float64Array(G);
  const first = new Float64Array(G).fill(Number.POSITIVE_INFINITY);
  const last = new Float64Array(G).fill(Number.NEGATIVE_INFINITY);
  const errorId = cols.states.find('ERROR') ?? -2;
  for (let i = 0; i < n; i++) {
    const p = positions ? positions[i] : i;
    const g = of[i];
    count[g]++;
    if (cols.state[p] === errorId) errors[g]++;
    sum[g] += cols.duration[p];
    input[g] += cols.inputTokens[p];
    output[g] += cols.outputTokens[p];
    total[g] += cols.totalTokens[p];
    cost[g] += cols.cost[p];
    const t = cols.requestTime[p];
    if (t < first[g]) first[g] = t;
    if (t > last[g]) last[g] = t;
  }
  // Durations of each group in one buffer, then each group's slice sorted for percentiles.
  const offset = new Int32Array(G + 1);
  for (let g = 0; g < G; g++) offset[g + 1] = offset[g] + count[g];
  const fill = offset.slice(0, G);
  const durations = new Float64Array(n);
  for (let i = 0; i < n; i++) durations[fill[of[i]]++] = cols.duration[positions ? positions[i] : i];
  const users = distinctPerGroup(cols.user, cols.users.values.length, positions, of, G);
  const sessions = distinctPerGroup(cols.session, cols.sessions.values.length, positions, of, G);
  const stats: TraceStats[] = [];
  for (let g = 0; g < G; g++) {
    const sorted = durations.subarray(offset[g], offset[g + 1]).sort();
    stats.push({
      group: Object.fromEntries(groups.map((c, i) => [c.label, c.dict.value(keys[g][i])])),
      count: count[g],
      users: users[g],
      sessions: sessions[g],
      errors: errors[g],
      errorRate: errors[g] / count[g],
      latencyMs: {
        mean: sum[g] / count[g],
        p50: percentile(sorted, 0.5),
        p95: percentile(sorted, 0.95),
        min: sorted[0],
        max: sorted[sorted.length - 1],
      },
      tokens: { input: input[g], output: output[g], total: total[g] },
      costUsd: cost[g],
      firstRequestTime: first[g],
      lastRequestTime: last[g],
    });
  }
  const labels = groups.map((c) => c.label);
  return stats.sort((x, y) => compareGroups(x, y, labels));
}

/** Orders groups by their values in byte order (as SQLite), nulls last. */
export function compareGroups(a: TraceStats, b: TraceStats, labels: readonly string[]): number {
  for (const label of labels) {
    const x = a.group[label];
    const y = b.group[label];
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return Buffer.compare(Buffer.from(x), Buffer.from(y));
  }
  return 0;
}
