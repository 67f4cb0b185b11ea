import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'plugin/index': 'src/plugin/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  target: 'node20',
});
