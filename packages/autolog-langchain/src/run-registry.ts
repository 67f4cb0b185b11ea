import type { LiveSpan } from './core.js';

/** What is kept for a LangChain run while it is open; deleted when the run ends. */
export interface RunState {
  /**
   * The run's span; for a run that is not recorded (hidden), the span of its nearest recorded
   * ancestor, so that its children attach there. Undefined for a hidden root run.
   */
  span: LiveSpan | undefined;
  parentRunId: string | undefined;
  /** A LangGraph graph run (turned into `AGENT` when a tool runs inside it). */
  graph?: boolean;
  /** Not recorded: its end only forgets it. */
  hidden?: boolean;
  /** `performance.now()` at a model run's start, for time to first token. */
  startedAt?: number;
  firstToken?: boolean;
  /** `performance.now()` when the entry was made (for the sweep of abandoned runs). */
  createdAt: number;
}

interface Registry {
  runs: Map<string, RunState>;
  nextSweepAt: number;
  timer: NodeJS.Timeout | undefined;
}

const SWEEP_FLOOR = 1024;
const SWEEP_INTERVAL_MS = 60_000;
/**
 * A run still open after this long is taken as abandoned: LangChain reports no end for the runs of
 * a stream the consumer stopped reading (`break` in `for await`). Its span is ended, marked
 * `autolog.unfinished`, so its trace is exported and nothing is held for it any more.
 */
export const STALE_RUN_MS = 30 * 60_000;

const KEY = Symbol.for('autolog.langchain.runs');
const g = globalThis as unknown as Record<symbol, Registry | undefined>;
// One registry per process, shared by every handler and every copy of this package: run ids are
// unique, and a run started by one handler copy may be ended through another.
g[KEY] ??= { runs: new Map(), nextSweepAt: SWEEP_FLOOR, timer: undefined };
const registry: Registry = g[KEY];

export function getRun(runId: string | undefined): RunState | undefined {
  return runId === undefined ? undefined : registry.runs.get(runId);
}

export function addRun(runId: string, state: RunState): void {
  registry.runs.set(runId, state);
  if (registry.runs.size >= registry.nextSweepAt) sweep();
  if (!registry.timer) {
    registry.timer = setInterval(() => sweep(), SWEEP_INTERVAL_MS);
    registry.timer.unref?.();
  }
}

/** Removes and returns the state of a run that ended. */
export function takeRun(runId: string): RunState | undefined {
  const state = registry.runs.get(runId);
  if (state) registry.runs.delete(runId);
  return state;
}

/** Number of runs currently open (for tests and diagnostics). */
export function openRunCount(): number {
  return registry.runs.size;
}

/**
 * Forgets runs whose trace is gone and ends runs open for longer than `STALE_RUN_MS`. Runs on a
 * timer while runs are open, and when the number of open runs doubles.
 */
export function sweep(now = performance.now()): void {
  for (const [runId, state] of registry.runs) {
    const span = state.span;
    const stale = now - state.createdAt > STALE_RUN_MS;
    if (span?.isRecording && !span.buffer.finished && !state.hidden && stale && !span.ended) {
      span.setAttribute('autolog.unfinished', true);
      span.setStatus('ERROR', 'LangChain never ended this run (a stream stopped early?)');
      span.end();
    }
    if (stale || (span?.isRecording && span.buffer.finished)) registry.runs.delete(runId);
  }
  registry.nextSweepAt = Math.max(SWEEP_FLOOR, registry.runs.size * 2);
  if (registry.runs.size === 0 && registry.timer) {
    clearInterval(registry.timer);
    registry.timer = undefined;
  }
}

/** The span of the nearest enclosing LangGraph graph of a run, if any. */
export function enclosingGraph(runId: string | undefined): RunState | undefined {
  let state = getRun(runId);
  for (let depth = 0; state && depth < 256; depth++) {
    if (state.graph) return state;
    state = getRun(state.parentRunId);
  }
  return undefined;
}
