import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { installBuilt } from './build.global-setup.js';
import { cliPath, startCli } from './helpers/run-cli.js';
import { seedStore } from './helpers/seed.js';

let dir: string;
let store: string;
let install: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'autolog-cli-ui-'));
  store = join(dir, 'traces.db');
  seedStore(store);
  // The test install (core, cli) plus the optional @autolog/viewer, built as it is published.
  install = join(dir, 'install');
  const from = join(inject('cliInstall'), 'node_modules');
  const modules = join(install, 'node_modules');
  mkdirSync(join(modules, '@autolog'), { recursive: true });
  cpSync(join(from, '@autolog', 'cli'), join(modules, '@autolog', 'cli'), { recursive: true });
  symlinkSync(join(from, '@autolog', 'core'), join(modules, '@autolog', 'core'));
  symlinkSync(realpathSync(join(from, 'commander')), join(modules, 'commander'));
  const viewer = join(import.meta.dirname, '..', '..', 'viewer');
  installBuilt(viewer, join(modules, '@autolog', 'viewer'));
  execFileSync(process.execPath, ['scripts/build-ui.mjs'], { cwd: viewer, stdio: 'pipe' });
  cpSync(join(viewer, 'dist', 'ui'), join(modules, '@autolog', 'viewer', 'dist', 'ui'), { recursive: true });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('serves the viewer over the store, prints its URL, and stops on Ctrl-C with exit code 0', async () => {
  const run = startCli(['ui', '--port', '0', '--store', store], { cli: cliPath(install) });
  let stdout = '';
  run.child.stdout?.on('data', (d) => (stdout += d));
  while (!stdout.includes('\n') && run.child.exitCode === null) await new Promise((r) => setTimeout(r, 25));
  const url = stdout.trim();
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  const page = await fetch(url);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toContain('text/html');
  run.child.kill('SIGINT');
  const result = await run.done;
  expect(result).toMatchObject({ code: 0, stdout: `${url}\n` });
  expect(result.stderr).toContain(`Autolog viewer for ${store} — press Ctrl-C to stop`);
});
