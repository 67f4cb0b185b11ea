/**
 * Runs the chat service on http://127.0.0.1:3000 (PORT to change), tracing into the local store.
 * Try: curl -s localhost:3000/chat -H 'x-user-id: alice' -H 'x-session-id: s1' -d '{"message":"What is MLflow?"}'
 */
import { init } from '@autolog/core';
import { autolog } from '@autolog/openai';
import { createChatApp } from './app.js';
import { openaiClient } from './model.js';

init({ experimentName: 'chat-app' });
await autolog();
const { client, model } = await openaiClient();
const port = Number(process.env.PORT ?? 3000);
createChatApp(client, model).listen(port, '127.0.0.1', () =>
  console.log(`chat app on http://127.0.0.1:${port}/chat`),
);
