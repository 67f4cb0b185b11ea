/**
 * Runs the testkit's local OpenAI-compatible server in a child process, so its CPU is not charged
 * to the measured process. Sends `{ type: 'ready', url }` over IPC and exits when the parent
 * disconnects or sends `{ type: 'stop' }`.
 */
import { startOpenAIServer } from '@autolog/testkit';

const server = await startOpenAIServer({ apiKey: 'sk-bench' });
const stop = async () => {
  await server.close().catch(() => undefined);
  process.exit(0);
};
process.on('message', (m: { type?: string }) => {
  if (m?.type === 'stop') void stop();
});
process.on('disconnect', () => void stop());
process.send?.({ type: 'ready', url: server.url });
