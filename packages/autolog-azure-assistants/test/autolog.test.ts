import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type OpenAIServer, runScriptForJson, startOpenAIServer } from '@autolog/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';

const tsx = createRequire(import.meta.url).resolve('tsx');
let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer();
});
afterAll(() => server.close());

function runFixture(name: string): Promise<any> {
  return runScriptForJson(
    ['--import', tsx, '--conditions=source', join(import.meta.dirname, 'fixtures', name)],
    {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, AZURE_OPENAI_ENDPOINT: server.azureEndpoint },
    },
  );
}

it('autolog() patches the openai the app imported, with no tracing code in the app', async () => {
  const result = await runFixture('esm-autolog.ts');
  expect(result.status).toMatchObject({ name: 'azure-assistants', enabled: true });
  expect(result.spans).toEqual(['AGENT', 'CHAT_MODEL']);
  expect(result.session).toBe(true);
});
