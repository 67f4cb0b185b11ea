import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: { name: 'langchain', environment: 'node', pool: 'forks', testTimeout: 30_000, hookTimeout: 30_000 },
});
