import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  // The tests run the built binary: build core and the CLI once, before any test file.
  test: {
    name: 'cli',
    environment: 'node',
    pool: 'forks',
    globalSetup: ['test/build.global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
