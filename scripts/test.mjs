#!/usr/bin/env node
// Runs every vitest project, then prints the closing line `N passed, M failed` (CI reads it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The viewer's end-to-end tests drive a real headless Chromium (Debian's package): install it
// when missing, so a bare machine runs every test with this one command.
const ensureChromium = join('packages', 'viewer', 'scripts', 'ensure-chromium.sh');
// biome-ignore lint/suspicious/noUndeclaredEnvVars: the viewer tests' own override of the browser's path
if (existsSync(ensureChromium) && !existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
  const installed = spawnSync('bash', [ensureChromium], { stdio: 'inherit' });
  if (installed.status !== 0)
    console.warn(
      'could not install chromium; the viewer browser tests will fail (see packages/viewer/README.md)',
    );
}

const out = join('test-artifacts', 'vitest.json');
mkdirSync('test-artifacts', { recursive: true });
const args = [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${out}`,
  ...process.argv.slice(2),
];
const run = spawnSync('npx', args, { stdio: 'inherit' });
let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(out)) {
  const report = JSON.parse(readFileSync(out, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed =
    (report.numFailedTests ?? 0) +
    (report.numFailedTestSuites && !report.numFailedTests ? report.numFailedTestSuites : 0);
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
} else if (run.status !== 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(run.status ?? 1);
