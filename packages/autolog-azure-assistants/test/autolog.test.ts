import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type OpenAIServer, startOpenAIServer } from '@autolog/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';

const tsx = createRequire(import.meta.url).resolve('tsx');
let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer();
});
afterAll(() => server.close());

function runFixture(name: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', tsx, '--conditions=source', join(import.meta.dirname, 'fixtures', name)],
      {
        cwd: join(import.meta.dirname, '..'),
        env: { ...process.env, AZURE_OPENAI_ENDPOINT: server.azureEndpoint },
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? ''));
      } catch {
        reject(new Error(`fixture ${name} exited ${code}: ${out}\n${err}`));
      }
    });
  });
}

it('autolog() patches the openai the app imported, with no tracing code in the app', async () => {
  const result = await runFixture('esm-autolog.ts');
  expect(result.status).toMatchObject({ name: 'azure-assistants', enabled: true });
  expect(result.spans).toEqual(['AGENT', 'CHAT_MODEL']);
  expect(result.session).toBe(true);
});
