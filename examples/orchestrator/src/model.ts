import { startOpenAIServer } from '@autolog/testkit';
import { ChatOpenAI } from '@langchain/openai';

/** A LangChain chat model: OpenAI when OPENAI_API_KEY is set, else a local OpenAI-compatible server. */
export async function chatModel(): Promise<{ model: ChatOpenAI; close(): Promise<void> }> {
  if (process.env.OPENAI_API_KEY)
    return {
      model: new ChatOpenAI({ model: process.env.OPENAI_MODEL ?? 'gpt-4o-mini', temperature: 0 }),
      close: async () => {},
    };
  const server = await startOpenAIServer();
  const model = new ChatOpenAI({
    model: 'gpt-4o-mini',
    apiKey: 'offline',
    configuration: { baseURL: server.url },
    temperature: 0,
  });
  return { model, close: () => server.close() };
}
