import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    projects: [
      'packages/*',
      'examples/*/vitest.config.ts',
      // The repository itself: the release configuration.
      { extends: true, test: { name: 'workspace', include: ['test/*.test.ts'] } },
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
