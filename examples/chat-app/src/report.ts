import { getSessionTimeline, getTraceStats, searchTraces } from '@autolog/core';

const fmtMs = (ms: number) => `${ms.toFixed(1)} ms`;

/** A user's activity: their traces, sessions and query categories (seed 002's user report). */
export async function userReport(userId: string): Promise<string> {
  const { traces } = await searchTraces({
    filterString: `metadata.\`mlflow.trace.user\` = '${userId}'`,
    maxResults: 500,
  });
  const sessions = new Set(traces.map((t) => t.info.traceMetadata['mlflow.trace.session']));
  const categories: Record<string, number> = {};
  for (const t of traces)
    categories[t.info.tags.query_category ?? 'none'] =
      (categories[t.info.tags.query_category ?? 'none'] ?? 0) + 1;
  const [stats] = await getTraceStats({ filterString: `metadata.\`mlflow.trace.user\` = '${userId}'` });
  return [
    `User ${userId}: ${traces.length} interactions in ${sessions.size} sessions`,
    `  query categories: ${Object.entries(categories)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
    stats
      ? `  latency mean ${fmtMs(stats.latencyMs.mean)}, p95 ${fmtMs(stats.latencyMs.p95)}; tokens ${stats.tokens.total}; errors ${stats.errors}`
      : '',
  ].join('\n');
}

/** A session turn by turn. */
export async function sessionReport(sessionId: string): Promise<string> {
  const timeline = await getSessionTimeline(sessionId);
  const lines = [`Session ${sessionId}: ${timeline.turns.length} turns, users ${timeline.users.join(', ')}`];
  for (const turn of timeline.turns) {
    const request = (turn.request as { message?: string })?.message ?? JSON.stringify(turn.request);
    lines.push(
      `  ${turn.turn}. [${new Date(turn.requestTime).toISOString()}] ${turn.status} ${fmtMs(turn.durationMs)}`,
    );
    lines.push(`     user: ${request}`);
    lines.push(`     assistant: ${String(turn.response).slice(0, 100)}`);
  }
  return lines.join('\n');
}

/** Interactions, users and latency per app version and environment. */
export async function versionReport(): Promise<string> {
  const stats = await getTraceStats({ groupBy: ['metadata.app_version', 'metadata.mlflow.source.type'] });
  const lines = [
    'app_version  environment  traces  users  sessions  error rate  p50 latency  p95 latency  tokens',
  ];
  for (const s of stats) {
    const g = Object.values(s.group);
    lines.push(
      [
        g[0] ?? '-',
        g[1] ?? '-',
        s.count,
        s.users,
        s.sessions,
        `${(s.errorRate * 100).toFixed(0)}%`,
        fmtMs(s.latencyMs.p50),
        fmtMs(s.latencyMs.p95),
        s.tokens.total,
      ]
        .map(String)
        .join('  '),
    );
  }
  return lines.join('\n');
}
