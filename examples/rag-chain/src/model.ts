import { startOpenAIServer } from '@autolog/testkit';
import OpenAI from 'openai';

/**
 * The OpenAI client: the real service when OPENAI_API_KEY is set, otherwise a local
 * OpenAI-compatible server (the testkit's), so the example runs offline.
 */
export async function openaiClient(): Promise<{ client: OpenAI; model: string; close(): Promise<void> }> {
  if (process.env.OPENAI_API_KEY) {
    return { client: new OpenAI(), model: process.env.OPENAI_MODEL ?? 'gpt-4o-mini', close: async () => {} };
  }
  const server = await startOpenAIServer();
  return {
    client: new OpenAI({ apiKey: 'offline', baseURL: server.url }),
    model: 'gpt-4o-mini',
    close: () => server.close(),
  };
}
