import { defineConfig } from 'tsup';

export default defineConfig({
  // The local store's writer thread is its own entry: dist/store/write-worker.js.
  entry: { index: 'src/index.ts', 'plugin/index': 'src/plugin/index.ts', 'store/write-worker': 'src/store/write-worker.ts' },
  shims: true,
  format: ['esm', 'cjs'],
  // TSUP_NO_DTS=1 skips declarations (tests that only need runnable builds).
  dts: !process.env.TSUP_NO_DTS,
  sourcemap: true,
  clean: true,
  splitting: true,
  target: 'node20',
});
