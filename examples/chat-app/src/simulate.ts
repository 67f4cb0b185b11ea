/**
 * The seed notebook's traffic: two users, several sessions, two app versions — sent to the chat
 * service over HTTP, each request traced into the local store.
 */
import { flushTraces, init } from '@autolog/core';
import { autolog } from '@autolog/openai';
import { createChatApp } from './app.js';
import { openaiClient } from './model.js';

export async function simulate(): Promise<void> {
  const { client, model, close } = await openaiClient();
  const server = createChatApp(client, model).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  const send = async (user: string, session: string, message: string) => {
    const res = await fetch(`http://127.0.0.1:${port}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': user, 'x-session-id': session },
      body: JSON.stringify({ message }),
    });
    return ((await res.json()) as { answer: string }).answer;
  };
  process.env.APP_ENVIRONMENT = 'staging';
  process.env.APP_VERSION = '1.0.0';
  process.env.DEPLOYMENT_ID = 'deployment-123';
  for (let s = 0; s < 2; s++) {
    await send('user-123', `session-abc-${s}`, 'What is MLflow and how does it help with GenAI?');
    await send('user-123', `session-abc-${s}`, 'What is ML vs. AI?');
  }
  process.env.APP_VERSION = '1.1.0';
  process.env.DEPLOYMENT_ID = 'deployment-456';
  for (let s = 0; s < 2; s++)
    await send('user-456', `session-def-${s}`, 'What is MLflow and how does it help with machine learning?');
  await flushTraces();
  server.close();
  await close();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  init({ experimentName: 'chat-app' });
  await autolog();
  await simulate();
  console.log('sent 6 chat requests; run `pnpm analyze` to see the report');
}
