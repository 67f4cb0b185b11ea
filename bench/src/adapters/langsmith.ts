import { Client } from 'langsmith';
import { traceable } from 'langsmith/traceable';
import type { Adapter } from './types.js';

let client: Client | undefined;

/**
 * LangSmith's `traceable` with an explicit Client pointed at the sink (auto-batching on, the
 * default), tracing switched on with `tracingEnabled: true`. The sink answers `GET /info` with a
 * plausible server-info document (multipart ingest, no compression flags) and accepts
 * `POST /runs/multipart`.
 */
export const langsmith: Adapter = {
  name: 'LangSmith',
  sinkKey: 'langsmith',
  describe:
    "traceable(fn, { client, tracingEnabled: true }) with Client({ apiUrl: sink, apiKey: 'bench-not-a-secret' }); " +
    'default auto-batching to /runs/multipart',
  async setup(sinkUrl) {
    client = new Client({ apiUrl: `${sinkUrl}/langsmith`, apiKey: 'bench-not-a-secret' });
  },
  traced: (fn) =>
    traceable(fn, { name: 'work', client, tracingEnabled: true }) as (x: number) => Promise<number>,
  tracedSync: (fn) => traceable(fn, { name: 'work', client, tracingEnabled: true }) as (x: number) => unknown,
  async flush() {
    await client!.awaitPendingTraceBatches();
  },
  heldProbe() {
    // LangSmith has no bound on what it keeps: every run of the loop is pending (in the promise
    // chains traceable started, then in the client's batch queue) until it is sent.
    return (n) => n;
  },
  async teardown() {
    await client?.awaitPendingTraceBatches();
  },
};
