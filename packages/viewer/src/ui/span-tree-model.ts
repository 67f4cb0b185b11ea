/**
 * The span tree of a trace, as the tree view and the waterfall need it: parents and children
 * (children by start time; spans whose parent is missing become roots), depth, the trace's time
 * range, and the rows visible under the current expansion.
 */
import type { WireSpan as SpanData } from '../wire-types.js';

export interface SpanNode {
  span: SpanData;
  parent: SpanNode | null;
  children: SpanNode[];
  /** 1 for a root. */
  depth: number;
}

export interface SpanTree {
  roots: SpanNode[];
  byId: Map<string, SpanNode>;
  /** Earliest start and latest end over all spans, epoch ns. */
  startNs: number;
  endNs: number;
}

/** Builds the tree (iteratively: a deep agent loop must not overflow the stack). */
export function buildSpanTree(spans: readonly SpanData[]): SpanTree {
  const byId = new Map<string, SpanNode>();
  for (const span of spans) byId.set(span.spanId, { span, parent: null, children: [], depth: 1 });
  const roots: SpanNode[] = [];
  for (const node of byId.values()) {
    const parent = node.span.parentId ? byId.get(node.span.parentId) : undefined;
    if (parent && parent !== node) {
      node.parent = parent;
      parent.children.push(node);
    } else roots.push(node);
  }
  const byStart = (a: SpanNode, b: SpanNode) => a.span.startTimeNs - b.span.startTimeNs;
  roots.sort(byStart);
  let startNs = Number.POSITIVE_INFINITY;
  let endNs = Number.NEGATIVE_INFINITY;
  const seen = new Set<SpanNode>();
  const walk = (from: SpanNode) => {
    const stack = [from];
    while (stack.length) {
      const node = stack.pop()!;
      seen.add(node);
      node.children.sort(byStart);
      startNs = Math.min(startNs, node.span.startTimeNs);
      endNs = Math.max(endNs, node.span.endTimeNs ?? node.span.startTimeNs);
      for (const child of node.children) {
        child.depth = node.depth + 1;
        stack.push(child);
      }
    }
  };
  for (const root of roots) walk(root);
  // Spans in a parent cycle are unreachable from any root: cut the cycle and show them as roots.
  for (const node of byId.values()) {
    if (seen.has(node)) continue;
    if (node.parent) node.parent.children = node.parent.children.filter((c) => c !== node);
    node.parent = null;
    node.depth = 1;
    roots.push(node);
    walk(node);
  }
  if (!Number.isFinite(startNs)) startNs = endNs = 0;
  return { roots, byId, startNs, endNs };
}

/** Rows shown, depth first, skipping the children of collapsed spans. */
export function visibleNodes(roots: readonly SpanNode[], collapsed: ReadonlySet<string>): SpanNode[] {
  const out: SpanNode[] = [];
  const stack = [...roots].reverse();
  while (stack.length) {
    const node = stack.pop()!;
    out.push(node);
    if (!collapsed.has(node.span.spanId))
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
  return out;
}

/** Duration of a span in ms; an open span lasts until the end of the trace. */
export function spanDurationMs(span: SpanData, traceEndNs: number): number {
  return Math.max(0, ((span.endTimeNs ?? traceEndNs) - span.startTimeNs) / 1e6);
}

/** Where a span's bar sits in the waterfall, as fractions of the trace's duration. */
export function barGeometry(
  span: SpanData,
  tree: Pick<SpanTree, 'startNs' | 'endNs'>,
): { left: number; width: number } {
  const total = Math.max(1, tree.endNs - tree.startNs);
  const left = Math.min(1, Math.max(0, (span.startTimeNs - tree.startNs) / total));
  const width = Math.max(0, Math.min(1 - left, ((span.endTimeNs ?? tree.endNs) - span.startTimeNs) / total));
  return { left, width };
}

/** Ids of every span with children (to collapse all). */
export function parentIds(tree: SpanTree): Set<string> {
  const ids = new Set<string>();
  for (const node of tree.byId.values()) if (node.children.length) ids.add(node.span.spanId);
  return ids;
}
