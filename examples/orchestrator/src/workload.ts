import type { Orchestrator } from './orchestrator.js';

export const QUERIES = [
  'Why did our cost spike and which jobs failed last night?',
  'Are there security issues with access permissions?',
  'Which queries are slow this week?',
  'Was there an outage in the reliability of our jobs?',
  'What is our budget burn and query latency?',
  'Give me an overview',
];

/** Sends the sample questions for a few users and sessions; errors are part of the data. */
export async function runWorkload(orchestrator: Orchestrator): Promise<{ ok: number; failed: number }> {
  let ok = 0;
  let failed = 0;
  for (const [i, query] of QUERIES.entries()) {
    const user = i % 2 ? 'ops@example.com' : 'finops@example.com';
    try {
      await orchestrator.invoke(query, user, `session-${i % 3}`);
      ok++;
    } catch {
      failed++;
    }
  }
  return { ok, failed };
}
