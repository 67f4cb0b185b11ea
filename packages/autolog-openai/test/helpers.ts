import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The openai majors tested, each under its package alias (CommonJS builds). */
export const OPENAI_VERSIONS = [
  { label: 'openai@4', module: require('openai-v4') },
  { label: 'openai@5', module: require('openai-v5') },
  { label: 'openai@6', module: require('openai-v6') },
  { label: 'openai@7', module: require('openai') },
] as const;

export function clientClasses(mod: any): { OpenAI: any; AzureOpenAI: any } {
  return {
    OpenAI: mod.OpenAI ?? mod.default ?? mod,
    AzureOpenAI: mod.AzureOpenAI ?? mod.default?.AzureOpenAI,
  };
}

export { memoryTracing } from '@autolog/core/testing';

export const TEST_KEY = ['sk', 'test', 'abcdefghijklmnopqrstuvwxyz012345'].join('-');

/** An `AzureOpenAI` client of `AzureOpenAI` (a class from one of the tested majors) on the test server's Azure paths. */
export function azureClient(AzureOpenAI: any, azureEndpoint: string, deployment = 'my-gpt4o'): any {
  return new AzureOpenAI({
    endpoint: azureEndpoint,
    apiKey: 'azure-test-key-0000',
    apiVersion: '2024-10-21',
    deployment,
    maxRetries: 0,
  });
}
