import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autolog, flushTraces, init, LocalStore, MemoryDestination } from '@autolog/core';
import { type OpenAIServer, startOpenAIServer } from '@autolog/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiPlugin } from '../src/index.js';
import { TEST_KEY } from './helpers.js';

let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer();
});
afterAll(async () => {
  openaiPlugin.disable();
  await server.close();
});

describe('autolog() from @autolog/core', () => {
  it('enables the installed integrations and says why the others were skipped', async () => {
    const mem = new MemoryDestination();
    const result = await autolog({ destination: mem, silent: true });
    expect(result.enabled.map((e) => e.name)).toContain('openai');
    for (const skipped of result.skipped)
      expect(skipped.reason).toMatch(/not installed|not enabled|could not/);
    const OpenAI = (await import('openai')).default;
    await new OpenAI({ apiKey: TEST_KEY, baseURL: server.url }).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    await flushTraces();
    expect(mem.traces.flatMap((t) => t.data.spans.map((s) => s.spanType))).toEqual(['CHAT_MODEL']);
  });

  it('keeps the destination set by init() when called with silent only', async () => {
    const mem = new MemoryDestination();
    init({ destination: mem, silent: true });
    await autolog({ silent: true, integrations: ['openai'] });
    const OpenAI = (await import('openai')).default;
    await new OpenAI({ apiKey: TEST_KEY, baseURL: server.url }).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    await flushTraces();
    expect(mem.traces).toHaveLength(1);
  });

  it('enables only the named integrations', async () => {
    const result = await autolog({
      destination: new MemoryDestination(),
      silent: true,
      integrations: ['langchain'],
    });
    expect(result.enabled.map((e) => e.name)).not.toContain('openai');
  });
});

describe('node --import @autolog/core/register', () => {
  it('traces an app with no tracing code into the local store', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'autolog-register-')), 'traces.db');
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const child = spawn(
      process.execPath,
      [
        '--import',
        tsx,
        '--conditions=source',
        '--import',
        '@autolog/core/register',
        join(import.meta.dirname, 'fixtures', 'zero-code-app.mjs'),
      ],
      {
        cwd: join(import.meta.dirname, '..'),
        env: {
          ...process.env,
          OPENAI_BASE_URL: server.url,
          AUTOLOG_STORE: store,
          AUTOLOG_INTEGRATIONS: 'openai',
        },
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code, err).toBe(0);
    expect(out).toContain('tracing openai');
    const traces = new LocalStore({ path: store }).listTraces();
    expect(traces).toHaveLength(1);
    expect(traces[0].tags['mlflow.traceName']).toBe('OpenAI.chat.completions');
    expect(traces[0].tokenUsage?.total_tokens).toBeGreaterThan(0);
  }, 60_000);
});
