import type { SpanData, TokenUsage, TraceRecord } from './types.js';

function duration(span: SpanData): string {
  if (span.endTimeNs === null) return 'open';
  const ms = (span.endTimeNs - span.startTimeNs) / 1e6;
  return ms < 1
    ? `${(ms * 1000).toFixed(0)}µs`
    : ms < 1000
      ? `${ms.toFixed(1)}ms`
      : `${(ms / 1000).toFixed(2)}s`;
}

function tokens(usage: unknown): string {
  if (!usage || typeof usage !== 'object') return '';
  const u = usage as TokenUsage;
  return ` tokens=${u.input_tokens}→${u.output_tokens} (${u.total_tokens})`;
}

/**
 * A trace as an indented tree, one span a line: name, type, duration, status and token usage.
 *
 * @example
 * console.log(formatTraceTree(await getTrace(traceId)));
 */
export function formatTraceTree(trace: TraceRecord): string {
  const { info, data } = trace;
  const children = new Map<string | null, SpanData[]>();
  const ids = new Set(data.spans.map((s) => s.spanId));
  for (const span of data.spans) {
    const parent = span.parentId && ids.has(span.parentId) ? span.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(span);
    children.set(parent, list);
  }
  const user = info.traceMetadata['mlflow.trace.user'];
  const session = info.traceMetadata['mlflow.trace.session'];
  const lines = [
    `${info.traceId}  ${info.state}  ${info.executionDuration.toFixed(1)}ms${tokens(info.tokenUsage)}${user ? `  user=${user}` : ''}${session ? `  session=${session}` : ''}`,
  ];
  const walk = (parent: string | null, prefix: string) => {
    const list = (children.get(parent) ?? []).sort((a, b) => a.startTimeNs - b.startTimeNs);
    list.forEach((span, i) => {
      const last = i === list.length - 1;
      const status = span.status.code === 'ERROR' ? `  ERROR ${span.status.message ?? ''}`.trimEnd() : '';
      lines.push(
        `${prefix}${last ? '└─' : '├─'} ${span.name} [${span.spanType}] ${duration(span)}${tokens(span.attributes['mlflow.chat.tokenUsage'])}${status}`,
      );
      walk(span.spanId, prefix + (last ? '   ' : '│  '));
    });
  };
  walk(null, '');
  return lines.join('\n');
}
