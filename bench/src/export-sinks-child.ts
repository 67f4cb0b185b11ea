/**
 * Child process of export-bench.ts: the receiving side (testkit MLflow servers and an OTLP
 * collector), kept out of the measured process so its CPU is not counted as the client's.
 * Prints one JSON line with the URLs, then serves until stdin closes.
 */
import { startMlflowServer, startOtlpCollector } from '@autolog/testkit';

const trackingStore = await startMlflowServer({ spansLocation: 'TRACKING_STORE' });
const artifacts = await startMlflowServer({ spansLocation: 'ARTIFACT_REPO' });
const collector = await startOtlpCollector();
console.log(
  JSON.stringify({ trackingStore: trackingStore.url, artifacts: artifacts.url, otlp: collector.url }),
);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
setInterval(() => {
  // The collector keeps every span for assertions; a long bench only needs the counts.
  collector.spans.length = 0;
  for (const s of [trackingStore, artifacts]) {
    s.requests.length = 0;
    if (s.state.traces.size > 50_000) s.state.reset();
    s.state.artifacts.clear();
  }
}, 1_000).unref();
