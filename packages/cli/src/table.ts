/**
 * A plain text table: a header row, columns padded to their widest cell, numbers right-aligned.
 * Cells may hold ANSI styles; widths count visible characters only.
 */
import { type Palette, visibleLength } from './output.js';

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

export function renderTable(columns: readonly Column[], rows: readonly string[][], colour: Palette): string {
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...rows.map((r) => visibleLength(r[i] ?? ''))),
  );
  const pad = (text: string, i: number) => {
    const gap = ' '.repeat(widths[i] - visibleLength(text));
    return columns[i].align === 'right' ? gap + text : text + gap;
  };
  const line = (cells: readonly string[]) => cells.map(pad).join('  ').trimEnd();
  return [colour.bold(line(columns.map((c) => c.header))), ...rows.map(line)].join('\n');
}
