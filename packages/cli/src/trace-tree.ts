/**
 * A trace in the terminal: a header (id, name, state, duration, tokens, cost, user, session,
 * assessments), then the span tree, one span a line with type, duration, status, tokens, cost
 * and model. Like core's `formatTraceTree`, with cost, assessments and colour.
 */
import { type Assessment, type SpanData, spanCost, type TraceRecord, traceCost } from '@autolog/core';
import { formatCost, formatDuration, formatState, formatTime, formatUsage, truncate } from './format.js';
import type { Palette } from './output.js';

function spanDuration(span: SpanData): number | null {
  return span.endTimeNs === null ? null : (span.endTimeNs - span.startTimeNs) / 1e6;
}

function spanLine(span: SpanData, c: Palette): string {
  const parts = [
    c.bold(span.name),
    c.dim(`[${span.spanType}]`),
    span.endTimeNs === null ? c.yellow('open') : formatDuration(spanDuration(span)),
  ];
  if (span.status.code === 'ERROR')
    parts.push(c.red(`ERROR${span.status.message ? ` ${truncate(span.status.message, 80)}` : ''}`));
  else if (span.status.code === 'OK') parts.push(c.green('OK'));
  const model = span.attributes['mlflow.llm.model'];
  if (typeof model === 'string') parts.push(c.cyan(model));
  const usage = formatUsage(span.attributes['mlflow.chat.tokenUsage'] as never);
  if (usage) parts.push(`tokens ${usage}`);
  const cost = spanCost(span);
  if (cost !== undefined) parts.push(formatCost(cost));
  return parts.join('  ');
}

function assessmentLine(a: Assessment, c: Palette): string {
  const value =
    a.kind === 'feedback' && a.error ? c.red(`error ${a.error.errorCode}`) : JSON.stringify(a.value);
  const source = c.dim(`(${a.kind}, ${a.source.sourceType} ${a.source.sourceId})`);
  const rationale = a.rationale ? c.dim(` — ${truncate(a.rationale, 60)}`) : '';
  return `${a.valid ? '' : c.dim('[overridden] ')}${a.name} = ${truncate(value ?? 'null', 60)} ${source}${rationale}`;
}

/** The header and span tree of a trace, as lines. */
export function formatTrace(trace: TraceRecord, c: Palette): string {
  const { info, data } = trace;
  const state = formatState(info.state, c);
  const head = [
    c.bold(info.traceId),
    info.tags['mlflow.traceName'] ?? '',
    state,
    formatDuration(info.executionDuration),
  ];
  if (info.tokenUsage) head.push(`tokens ${formatUsage(info.tokenUsage)}`);
  const cost = traceCost(info);
  if (cost !== undefined) head.push(formatCost(cost));
  const meta = info.traceMetadata;
  const facts = [formatTime(info.requestTime), `experiment ${info.experimentId}`];
  if (meta['mlflow.trace.user']) facts.push(`user ${meta['mlflow.trace.user']}`);
  if (meta['mlflow.trace.session']) facts.push(`session ${meta['mlflow.trace.session']}`);
  const lines = [head.filter(Boolean).join('  '), c.dim(facts.join('  '))];
  for (const a of info.assessments) lines.push(`${c.dim('assessment')} ${assessmentLine(a, c)}`);
  lines.push('');

  const ids = new Set(data.spans.map((s) => s.spanId));
  const children = new Map<string | null, SpanData[]>();
  for (const span of data.spans) {
    const parent = span.parentId && ids.has(span.parentId) ? span.parentId : null;
    const list = children.get(parent);
    if (list) list.push(span);
    else children.set(parent, [span]);
  }
  const walk = (parent: string | null, prefix: string) => {
    const list = (children.get(parent) ?? []).sort((a, b) => a.startTimeNs - b.startTimeNs);
    list.forEach((span, i) => {
      const last = i === list.length - 1;
      lines.push(`${c.dim(prefix + (last ? '└─ ' : '├─ '))}${spanLine(span, c)}`);
      walk(span.spanId, prefix + (last ? '   ' : '│  '));
    });
  };
  walk(null, '');
  if (data.spans.length === 0) lines.push(c.dim('(no spans)'));
  return lines.join('\n');
}
