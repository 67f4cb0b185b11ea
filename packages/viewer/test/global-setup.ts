/**
 * Builds the browser UI bundle (dist/ui/) before the tests, with the same script as `build`.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  execFileSync(process.execPath, [join(root, 'scripts', 'build-ui.mjs')], { cwd: root, stdio: 'inherit' });
}
