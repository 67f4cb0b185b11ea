import type { ChatMessage } from './messages.js';
import type { RunTracker } from './run-tracker.js';

/**
 * What the integration knows across calls, shared by every copy of the package: the runs being
 * followed (by run id, so polls from any async context find their run) and, per thread, the
 * messages added since its last run (the next run's inputs).
 */
interface Registry {
  runs: Map<string, RunTracker>;
  pending: Map<string, ChatMessage[]>;
}

const KEY = Symbol.for('autolog.azure-assistants.registry');
const g = globalThis as unknown as Record<symbol, Registry | undefined>;
const registry: Registry = g[KEY] ?? (g[KEY] = { runs: new Map(), pending: new Map() });

/** Threads with unconsumed messages remembered at most (oldest forgotten first). */
const MAX_PENDING_THREADS = 10_000;
/** Unconsumed messages remembered per thread (the latest). */
const MAX_PENDING_MESSAGES = 100;

export function trackerOf(runId: unknown): RunTracker | undefined {
  return typeof runId === 'string' ? registry.runs.get(runId) : undefined;
}

export function registerRun(runId: string, tracker: RunTracker): void {
  registry.runs.set(runId, tracker);
}

export function forgetRun(runId: string | undefined, tracker: RunTracker): void {
  if (runId && registry.runs.get(runId) === tracker) registry.runs.delete(runId);
}

/** Runs currently followed. */
export function openRunCount(): number {
  return registry.runs.size;
}

/** Every run currently followed (to end them when tracing is switched off). */
export function followedRuns(): RunTracker[] {
  return [...registry.runs.values()];
}

/** Remembers messages added to a thread; the thread's next run takes them as its inputs. */
export function addPendingMessages(threadId: unknown, messages: ChatMessage[]): void {
  if (typeof threadId !== 'string' || !messages.length) return;
  const list = registry.pending.get(threadId);
  if (list) {
    list.push(...messages);
    if (list.length > MAX_PENDING_MESSAGES) list.splice(0, list.length - MAX_PENDING_MESSAGES);
  } else {
    registry.pending.set(threadId, messages.slice(-MAX_PENDING_MESSAGES));
    if (registry.pending.size > MAX_PENDING_THREADS)
      registry.pending.delete(registry.pending.keys().next().value as string);
  }
}

/** The messages added to a thread since its last run, now consumed. */
export function takePendingMessages(threadId: unknown): ChatMessage[] {
  if (typeof threadId !== 'string') return [];
  const list = registry.pending.get(threadId) ?? [];
  registry.pending.delete(threadId);
  return list;
}
