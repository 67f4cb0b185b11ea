import { defineConfig } from 'tsup';

// TSUP_NO_DTS=1 skips declarations (tests that only need runnable builds).
const dts = !process.env.TSUP_NO_DTS;

export default defineConfig([
  {
    // The local store's writer thread is its own entry: dist/store/write-worker.js.
    entry: {
      index: 'src/index.ts',
      'plugin/index': 'src/plugin/index.ts',
      testing: 'src/testing.ts',
      'store/write-worker': 'src/store/write-worker.ts',
    },
    format: ['esm', 'cjs'],
    dts,
    shims: true,
    sourcemap: true,
    clean: true,
    splitting: true,
    target: 'node20',
  },
  // `--import @autolog/core/register` (ESM, awaits the integrations) and `-r` (CommonJS).
  { entry: { register: 'src/register.ts' }, format: ['esm'], target: 'node20', sourcemap: true },
  {
    entry: { 'register-cjs': 'src/register-cjs.ts' },
    format: ['cjs'],
    target: 'node20',
    sourcemap: true,
    shims: true,
  },
]);
