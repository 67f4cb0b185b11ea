import { startOpenAIServer } from '@autolog/testkit';
import { AzureOpenAI } from 'openai';

/**
 * An Azure OpenAI client: the real service when AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY
 * are set, otherwise a local server that speaks the Azure OpenAI Assistants API (offline).
 */
export async function azureClient(): Promise<{
  client: AzureOpenAI;
  deployment: string;
  pollIntervalMs: number;
  close(): Promise<void>;
}> {
  const apiVersion = process.env.OPENAI_API_VERSION ?? '2024-05-01-preview';
  if (process.env.AZURE_OPENAI_ENDPOINT && process.env.AZURE_OPENAI_API_KEY) {
    return {
      client: new AzureOpenAI({ apiVersion }),
      deployment: process.env.AZURE_OPENAI_DEPLOYMENT ?? 'gpt-4o-mini',
      pollIntervalMs: 1000,
      close: async () => {},
    };
  }
  const server = await startOpenAIServer();
  const client = new AzureOpenAI({ endpoint: server.azureEndpoint, apiKey: 'offline-key', apiVersion });
  return { client, deployment: 'gpt-4o-mini', pollIntervalMs: 5, close: () => server.close() };
}
