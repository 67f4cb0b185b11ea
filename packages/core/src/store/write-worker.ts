/**
 * The local store's writer thread: receives batches of finished traces and writes them with
 * its own connection, so SQLite work never runs on the application's thread. Counts what it
 * has processed in shared memory, so the main thread can wait for it even inside an `exit`
 * handler.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LocalStore } from './local-store.js';
import type { EncodedTrace } from './rows.js';

interface WriterData {
  path: string;
  experimentId: string;
  busyTimeoutMs?: number;
  counters: SharedArrayBuffer;
}

const data = workerData as WriterData;
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
