import { formatTraceTree } from '../format-tree.js';
import type { Destination, TraceRecord } from '../types.js';

/** Prints each finished trace as a tree (name, type, duration, status, tokens) to stdout. */
export class ConsoleDestination implements Destination {
  readonly name = 'console';
  private readonly write: (text: string) => void;

  constructor(options: { write?: (text: string) => void } = {}) {
    this.write = options.write ?? ((text) => process.stdout.write(text));
  }

  export(traces: readonly TraceRecord[]): void {
    for (const t of traces) this.write(`${formatTraceTree(t)}\n`);
  }
}
