import type { SpanData, TraceRecord } from '@autolog/core';

export { memoryTracing } from '@autolog/core/testing';

/** The span tree of a trace as nested `name (TYPE)` lines, children in start order. */
export function tree(trace: TraceRecord): string {
  const spans = trace.data.spans;
  const children = new Map<string | null, SpanData[]>();
  for (const s of spans) {
    const list = children.get(s.parentId) ?? [];
    list.push(s);
    children.set(s.parentId, list);
  }
  const lines: string[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const s of (children.get(parent) ?? []).sort((a, b) => a.startTimeNs - b.startTimeNs)) {
      lines.push(`${'  '.repeat(depth)}${s.name} (${s.spanType})`);
      walk(s.spanId, depth + 1);
    }
  };
  walk(null, 0);
  return lines.join('\n');
}

export function byName(trace: TraceRecord, name: string): SpanData {
  const span = trace.data.spans.find((s) => s.name === name);
  if (!span) throw new Error(`no span "${name}" in ${trace.data.spans.map((s) => s.name).join(', ')}`);
  return span;
}

export function childrenOf(trace: TraceRecord, span: SpanData): SpanData[] {
  return trace.data.spans
    .filter((s) => s.parentId === span.spanId)
    .sort((a, b) => a.startTimeNs - b.startTimeNs);
}

export const TEST_KEY = ['sk', 'test', 'abcdefghijklmnopqrstuvwxyz012345'].join('-');
