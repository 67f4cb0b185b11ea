/**
 * What `autolog export` has delivered, per destination, in a file next to the store
 * (`<store>.export-checkpoint.jsonl`): one line per delivered batch,
 * `{"destination": "<key>", "at": "<ISO time>", "traceIds": [...]}`. Appending a line per
 * batch keeps a long export's bookkeeping cheap and crash-safe (a line cut off by a crash is
 * ignored: its batch is sent again, which every destination takes without duplicating).
 */
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

interface CheckpointLine {
  destination: string;
  at: string;
  traceIds: string[];
}

export class ExportCheckpoint {
  private readonly done: Set<string>;

  private constructor(
    readonly path: string,
    readonly destination: string,
    done: Set<string>,
  ) {
    this.done = done;
  }

  /** The checkpoint file of a store. */
  static pathFor(storePath: string): string {
    return `${storePath}.export-checkpoint.jsonl`;
  }

  /** Loads what was delivered to `destination`; `restart` forgets it (other destinations are kept). */
  static open(storePath: string, destination: string, options: { restart?: boolean } = {}): ExportCheckpoint {
    const path = ExportCheckpoint.pathFor(storePath);
    const lines = readLines(path);
    const mine = lines.filter((l) => l.destination === destination);
    if (options.restart && mine.length) {
      const others = lines.filter((l) => l.destination !== destination);
      writeFileSync(`${path}.tmp`, others.map((l) => `${JSON.stringify(l)}\n`).join(''));
      renameSync(`${path}.tmp`, path);
      return new ExportCheckpoint(path, destination, new Set());
    }
    return new ExportCheckpoint(path, destination, new Set(mine.flatMap((l) => l.traceIds)));
  }

  /** How many traces were delivered to this destination. */
  get size(): number {
    return this.done.size;
  }

  has(traceId: string): boolean {
    return this.done.has(traceId);
  }

  /** Records traces as delivered. */
  record(traceIds: readonly string[]): void {
    const fresh = traceIds.filter((id) => !this.done.has(id));
    if (fresh.length === 0) return;
    const line: CheckpointLine = {
      destination: this.destination,
      at: new Date().toISOString(),
      traceIds: fresh,
    };
    appendFileSync(this.path, `${JSON.stringify(line)}\n`);
    for (const id of fresh) this.done.add(id);
  }
}

function readLines(path: string): CheckpointLine[] {
  if (!existsSync(path)) return [];
  const lines: CheckpointLine[] = [];
  for (const text of readFileSync(path, 'utf8').split('\n')) {
    if (!text.trim()) continue;
    try {
      const line = JSON.parse(text) as Partial<CheckpointLine>;
      if (typeof line.destination === 'string' && Array.isArray(line.traceIds)) {
        lines.push({
          destination: line.destination,
          at: String(line.at ?? ''),
          traceIds: line.traceIds.filter((id): id is string => typeof id === 'string'),
        });
      }
    } catch {
      // cut off by a crash: that batch is simply sent again
    }
  }
  return lines;
}
