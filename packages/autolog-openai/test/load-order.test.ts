import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type OpenAIServer, runScriptForJson, startOpenAIServer } from '@autolog/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const tsx = createRequire(import.meta.url).resolve('tsx');
let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer();
  // The CommonJS case runs the published builds: build core and this package (no declarations).
  for (const dir of ['../../core', '..']) {
    execFileSync(process.execPath, [createRequire(import.meta.url).resolve('tsup/dist/cli-default.js')], {
      cwd: join(import.meta.dirname, dir),
      env: { ...process.env, TSUP_NO_DTS: '1' },
      stdio: 'pipe',
    });
  }
}, 120_000);
afterAll(() => server.close());

function runFixture(name: string): Promise<any> {
  const file = join(import.meta.dirname, 'fixtures', name);
  const args = name.endsWith('.cjs') ? [file] : ['--import', tsx, '--conditions=source', file];
  return runScriptForJson(args, {
    cwd: join(import.meta.dirname, '..'),
    env: { ...process.env, OPENAI_BASE_URL: server.url },
  });
}

describe.concurrent('patching whatever the load order and module system', () => {
  it('traces an ESM app that imported openai before autolog()', async () => {
    const result = await runFixture('esm-import-first.ts');
    expect(result.status.enabled).toBe(true);
    expect(result.spans).toEqual(['CHAT_MODEL']);
  });

  it('traces an ESM app that imports openai after autolog()', async () => {
    expect((await runFixture('esm-import-after.ts')).spans).toEqual(['CHAT_MODEL']);
  });

  it('traces a CommonJS app that requires openai after autolog()', async () => {
    expect((await runFixture('cjs-require-after.cjs')).spans).toEqual(['CHAT_MODEL']);
  });
});
