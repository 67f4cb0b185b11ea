#!/usr/bin/env node
// Bundles the browser UI (src/ui) into dist/ui/app.js and dist/ui/app.css with esbuild: one
// script and one stylesheet, no runtime dependencies, nothing loaded from a CDN.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'ui');
mkdirSync(outdir, { recursive: true });

/** Builds both bundles; resolves when written. */
export async function buildUi({ minify = true } = {}) {
  const common = { bundle: true, minify, logLevel: 'warning', legalComments: 'none' };
  await Promise.all([
    build({
      ...common,
      entryPoints: [join(root, 'src', 'ui', 'main.ts')],
      outfile: join(outdir, 'app.js'),
      format: 'iife',
      platform: 'browser',
      target: ['chrome111', 'firefox115', 'safari16.4'],
      sourcemap: 'linked',
      conditions: ['source'],
    }),
    build({
      ...common,
      entryPoints: [join(root, 'src', 'ui', 'styles.css')],
      outfile: join(outdir, 'app.css'),
      target: ['chrome111', 'firefox115', 'safari16.4'],
    }),
  ]);
  return outdir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildUi();
  console.log(`viewer UI built into ${out}`);
}
