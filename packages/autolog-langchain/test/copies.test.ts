/**
 * With pnpm, the app and this plugin can load different copies of `@langchain/core` — the same
 * version installed twice because their peer dependencies differ. The app's copy is traced too.
 * The test builds such an app: a second copy of the package in a temporary folder (its
 * dependencies linked), and a script there that enables the plugin and runs a runnable.
 */
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runScriptForJson } from '@autolog/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const packages = join(import.meta.dirname, '..', '..');
let app: string;

beforeAll(() => {
  const ownCopy = dirname(realpathSync(require.resolve('@langchain/core/package.json')));
  const installed = dirname(dirname(ownCopy)); // the node_modules holding it and its dependencies
  app = realpathSync(mkdtempSync(join(tmpdir(), 'autolog-lc-copy-')));
  const modules = join(app, 'node_modules');
  cpSync(ownCopy, join(modules, '@langchain', 'core'), { recursive: true });
  for (const entry of readdirSync(installed)) {
    if (!entry.startsWith('@')) {
      symlinkSync(join(installed, entry), join(modules, entry));
      continue;
    }
    mkdirSync(join(modules, entry), { recursive: true });
    for (const scoped of readdirSync(join(installed, entry))) {
      if (entry === '@langchain' && scoped === 'core') continue;
      symlinkSync(join(installed, entry, scoped), join(modules, entry, scoped));
    }
  }
  writeFileSync(
    join(app, 'main.mts'),
    `import { createRequire } from 'node:module';
import { flushTraces, init, MemoryDestination } from ${JSON.stringify(join(packages, 'core', 'src', 'index.ts'))};
import { langchainPlugin } from ${JSON.stringify(join(packages, 'autolog-langchain', 'src', 'index.ts'))};
import { RunnableLambda } from '@langchain/core/runnables';

const mem = new MemoryDestination();
init({ destination: mem, silent: true });
await langchainPlugin.enable();
await RunnableLambda.from((x: string) => x.toUpperCase()).withConfig({ runName: 'shout' }).invoke('hi');
await flushTraces();
console.log(JSON.stringify({
  copy: createRequire(import.meta.url).resolve('@langchain/core/package.json'),
  spans: mem.traces.flatMap((t) => t.data.spans.map((s) => s.name)),
}));
`,
  );
});
afterAll(() => rmSync(app, { recursive: true, force: true }));

function runApp(): Promise<{ copy: string; spans: string[] }> {
  return runScriptForJson(
    ['--import', require.resolve('tsx'), '--conditions=source', join(app, 'main.mts')],
    {
      cwd: app,
    },
  );
}

it("traces the app's own copy of @langchain/core, not only the plugin's", async () => {
  const { copy, spans } = await runApp();
  expect(copy.startsWith(app)).toBe(true);
  expect(spans).toEqual(['shout']);
}, 30_000);
