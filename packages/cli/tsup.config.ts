import { defineConfig } from 'tsup';

// TSUP_NO_DTS=1 skips declarations (tests that only need runnable builds).
const dts = !process.env.TSUP_NO_DTS;

export default defineConfig([
  // The library entry (`run`, `createProgram`) for both module systems.
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    shims: true,
    dts,
    sourcemap: true,
    // Both builds run at once: the first cleans dist/ but leaves the binary to the second.
    clean: ['!cli.*'],
    target: 'node20',
  },
  // The `autolog` binary (keeps its shebang; tsup marks it executable).
  { entry: { cli: 'src/cli.ts' }, format: ['esm'], sourcemap: true, target: 'node20' },
]);
