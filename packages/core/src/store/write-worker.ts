/**
 * The local store's writer thread: receives batches of finished traces and writes them with
 * its own connection, so SQLite work never runs on the application's thread. Counts what it
 * has processed in shared memory, so the main thread can wait for it even inside an `exit`
 * handler.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { LocalStore } from './local-store.js';
import type { EncodedTrace } from './rows.js';

interface WriterData {
  path: string;
  experimentId: string;
  busyTimeoutMs?: number;
  counters: SharedArrayBuffer;
  /** Scheduling priority (nice, 0–19) of this thread on Linux. */
  nice: number;
}

/**
 * Writing is background work: on Linux this thread runs at a lower scheduling priority than
 * the application's threads, so when they compete for a core the application's thread wins.
 * Never raises the priority (a process that already runs nicer keeps its value); where the
 * thread cannot be told apart this way, it keeps the process's.
 */
function lowerPriority(nice: number): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0 && getPriority(tid) < nice) setPriority(tid, nice);
  } catch {
    // the default priority stays
  }
}

const data = workerData as WriterData;
lowerPriority(data.nice);
const processed = new Int32Array(data.counters);
const store = new LocalStore({
  path: data.path,
  experimentId: data.experimentId,
  busyTimeoutMs: data.busyTimeoutMs,
});

// Batches that arrive together are written in one transaction: fewer commits, far fewer WAL pages.
let pending: EncodedTrace[] = [];
let scheduled = false;

function writePending(): void {
  scheduled = false;
  const batch = pending;
  pending = [];
  let error: string | undefined;
  try {
    store.exportEncoded(batch);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  Atomics.add(processed, 0, batch.length);
  Atomics.notify(processed, 0);
  if (error) parentPort?.postMessage({ error, count: batch.length });
}

parentPort?.on('message', (message: { traces: EncodedTrace[] }) => {
  for (const trace of message.traces) pending.push(trace);
  if (!scheduled) {
    scheduled = true;
    setImmediate(writePending);
  }
});
parentPort?.postMessage({ ready: true });
