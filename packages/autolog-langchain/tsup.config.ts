import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // TSUP_NO_DTS=1 skips declarations (tests that only need runnable builds).
  dts: !process.env.TSUP_NO_DTS,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
