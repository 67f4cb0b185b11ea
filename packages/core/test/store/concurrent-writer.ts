/**
 * Child process for the concurrency test: opens the store and exports `count` traces in
 * batches once the shared start time is reached.
 * Usage: concurrent-writer.ts <path> <hexPrefix> <count> <batchSize> <startAtEpochMs>
 */
import { LocalStore } from '../../src/store/index.js';
import { sleepSync } from '../../src/store/sqlite-util.js';
import { simpleTrace } from './fixtures.js';

const [path, prefix, count, batchSize, startAt] = process.argv.slice(2);
const store = new LocalStore({ path, experimentName: 'concurrent' });
const experimentId = store.resolveExperiment();
sleepSync(Math.max(0, Number(startAt) - Date.now()));
let written = 0;
while (written < Number(count)) {
  const batch = [];
  for (let i = 0; i < Number(batchSize) && written + i < Number(count); i++) {
    batch.push(simpleTrace(written + i, { prefix, experimentId }));
  }
  store.export(batch);
  written += batch.length;
}
store.close();
process.stdout.write(JSON.stringify({ prefix, written, experimentId }));
