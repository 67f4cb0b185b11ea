import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: { name: 'example-orchestrator', environment: 'node', pool: 'forks', testTimeout: 60_000 },
});
