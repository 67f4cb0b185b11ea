import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: 'viewer',
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Bundles the browser UI (dist/ui/) once before the tests, as `pnpm build` does.
    globalSetup: ['./test/global-setup.ts'],
  },
});
