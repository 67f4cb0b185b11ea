import { defineConfig } from 'tsup';

export default defineConfig({
  // The server only; the browser UI is bundled by scripts/build-ui.mjs into dist/ui/.
  entry: ['src/index.ts'],
  shims: true,
  format: ['esm', 'cjs'],
  // TSUP_NO_DTS=1 skips declarations (tests that only need runnable builds).
  dts: !process.env.TSUP_NO_DTS,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
