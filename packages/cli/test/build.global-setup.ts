/**
 * Installs `@autolog/cli` as a user would get it, once before the CLI tests: this package and
 * `@autolog/core` built (no declarations) into `node_modules` of a temporary folder, next to
 * their dependencies. The tests run `node_modules/@autolog/cli/dist/cli.js` from there in child
 * processes. Building into a folder of our own (not `packages/core/dist`) keeps the tests
 * independent of other packages' tests rebuilding core meanwhile.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder whose `node_modules` holds the built CLI and core. */
    cliInstall: string;
  }
}

const PACKAGES = join(import.meta.dirname, '..', '..');
const tsup = createRequire(import.meta.url).resolve('tsup/dist/cli-default.js');

/** Builds the package in `source` into `target/dist`, with its package.json beside. */
export function installBuilt(source: string, target: string): void {
  mkdirSync(target, { recursive: true });
  execFileSync(process.execPath, [tsup, '--out-dir', join(target, 'dist')], {
    cwd: source,
    env: { ...process.env, TSUP_NO_DTS: '1' },
    stdio: 'pipe',
  });
  copyFileSync(join(source, 'package.json'), join(target, 'package.json'));
}

export default function setup(project: TestProject): () => void {
  const root = mkdtempSync(join(tmpdir(), 'autolog-cli-install-'));
  const modules = join(root, 'node_modules');
  installBuilt(join(PACKAGES, 'core'), join(modules, '@autolog', 'core'));
  symlinkSync(join(PACKAGES, 'core', 'node_modules'), join(modules, '@autolog', 'core', 'node_modules'));
  installBuilt(join(PACKAGES, 'cli'), join(modules, '@autolog', 'cli'));
  symlinkSync(realpathSync(join(PACKAGES, 'cli', 'node_modules', 'commander')), join(modules, 'commander'));
  project.provide('cliInstall', root);
  return () => rmSync(root, { recursive: true, force: true });
}
