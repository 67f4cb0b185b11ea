/**
 * The seed's production monitoring, one call each: totals, error rate, mean and p95 latency,
 * domain distribution, the slowest spans, and errors grouped by type and message.
 */
import { getErrorGroups, getSlowestSpans, getTraceStats, init, searchTraces } from '@autolog/core';

export async function monitoringReport(filterString = "trace.name = 'orchestrator_invoke'"): Promise<string> {
  const [all] = await getTraceStats({ filterString });
  if (!all) return 'no orchestrator traces yet';
  const lines = [
    `Traces: ${all.count} from ${all.users} users in ${all.sessions} sessions`,
    `Traces with a failed domain: ${(await searchTraces({ filterString: `${filterString} AND tags.has_error = 'true'`, maxResults: 500 })).traces.length}`,
    `Error rate (failed requests): ${(all.errorRate * 100).toFixed(1)}%`,
    `Latency: mean ${all.latencyMs.mean.toFixed(1)} ms, p50 ${all.latencyMs.p50.toFixed(1)} ms, p95 ${all.latencyMs.p95.toFixed(1)} ms`,
    `Tokens: ${all.tokens.total} (${all.tokens.input} in, ${all.tokens.output} out)`,
    'Domain distribution:',
  ];
  const { traces } = await searchTraces({ filterString, maxResults: 500 });
  const domains: Record<string, number> = {};
  for (const t of traces)
    for (const d of (t.info.tags.domains ?? '').split(',').filter(Boolean))
      domains[d] = (domains[d] ?? 0) + 1;
  for (const [d, n] of Object.entries(domains).sort((a, b) => b[1] - a[1]))
    lines.push(`  ${d.padEnd(12)} ${n}`);
  const slowest = [...traces].sort((a, b) => b.info.executionDuration - a.info.executionDuration)[0];
  if (slowest) {
    lines.push(
      `Slowest spans of the slowest trace (${slowest.info.traceId}, ${slowest.info.executionDuration.toFixed(1)} ms):`,
    );
    for (const s of await getSlowestSpans(slowest.info.traceId, { limit: 5 })) {
      lines.push(
        `  ${s.name.padEnd(28)} ${s.spanType.padEnd(11)} ${s.durationMs.toFixed(1)} ms (${(s.fractionOfTrace * 100).toFixed(0)}%)`,
      );
    }
  }
  lines.push('Errors grouped:');
  for (const g of await getErrorGroups({ filterString }))
    lines.push(
      `  ${g.errorType ?? 'ERROR'}: ${g.message} — ${g.traces} traces, spans ${g.spanNames.join(', ')}`,
    );
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  init({ experimentName: 'orchestrator', silent: true });
  console.log(await monitoringReport());
}
