import { describe, expect, it } from 'vitest';
import { barGeometry, buildSpanTree, visibleNodes } from '../src/ui/span-tree-model.js';
import type { WireSpan } from '../src/wire-types.js';

const MS = 1_000_000;
const span = (spanId: string, parentId: string | null, start: number, end: number | null): WireSpan => ({
  traceId: 'tr-1',
  spanId,
  parentId,
  name: spanId,
  spanType: 'UNKNOWN',
  startTimeNs: start * MS,
  endTimeNs: end === null ? null : end * MS,
  status: { code: 'OK' },
  attributes: {},
  events: [],
});

describe('buildSpanTree', () => {
  it('nests children under parents in start order, with depth and the time range', () => {
    const tree = buildSpanTree([
      span('root', null, 0, 100),
      span('b', 'root', 50, 90),
      span('a', 'root', 10, 40),
      span('a1', 'a', 12, 20),
    ]);
    expect(tree.roots.map((n) => n.span.spanId)).toEqual(['root']);
    expect(tree.roots[0].children.map((n) => n.span.spanId)).toEqual(['a', 'b']);
    expect(tree.byId.get('a1')!.depth).toBe(3);
    expect([tree.startNs, tree.endNs]).toEqual([0, 100 * MS]);
  });

  it('shows a span whose parent is missing as a root', () => {
    const tree = buildSpanTree([span('root', null, 0, 10), span('orphan', 'gone', 5, 6)]);
    expect(tree.roots.map((n) => n.span.spanId)).toEqual(['root', 'orphan']);
  });

  it('cuts a parent cycle instead of hanging or losing the spans', () => {
    const tree = buildSpanTree([span('x', 'y', 0, 10), span('y', 'x', 1, 5)]);
    const shown = visibleNodes(tree.roots, new Set()).map((n) => n.span.spanId);
    expect(shown.sort()).toEqual(['x', 'y']);
  });

  it('builds a 10,000-deep chain without overflowing the stack', () => {
    const spans = Array.from({ length: 10_000 }, (_, i) =>
      span(`s${i}`, i ? `s${i - 1}` : null, i, 20_000 - i),
    );
    const tree = buildSpanTree(spans);
    expect(tree.byId.get('s9999')!.depth).toBe(10_000);
    expect(visibleNodes(tree.roots, new Set())).toHaveLength(10_000);
  });
});

describe('visibleNodes', () => {
  it('lists rows depth first and skips the children of collapsed spans', () => {
    const tree = buildSpanTree([
      span('root', null, 0, 100),
      span('a', 'root', 10, 40),
      span('a1', 'a', 12, 20),
      span('b', 'root', 50, 90),
    ]);
    expect(visibleNodes(tree.roots, new Set()).map((n) => n.span.spanId)).toEqual(['root', 'a', 'a1', 'b']);
    expect(visibleNodes(tree.roots, new Set(['a'])).map((n) => n.span.spanId)).toEqual(['root', 'a', 'b']);
    expect(visibleNodes(tree.roots, new Set(['root'])).map((n) => n.span.spanId)).toEqual(['root']);
  });
});

describe('barGeometry', () => {
  it('places a bar by its offset and length as fractions of the trace', () => {
    const tree = buildSpanTree([span('root', null, 0, 200), span('a', 'root', 50, 100)]);
    expect(barGeometry(tree.byId.get('a')!.span, tree)).toEqual({ left: 0.25, width: 0.25 });
  });

  it('draws a span still open to the end of the trace', () => {
    const tree = buildSpanTree([span('root', null, 0, 200), span('open', 'root', 100, null)]);
    expect(barGeometry(tree.byId.get('open')!.span, tree)).toEqual({ left: 0.5, width: 0.5 });
  });
});
