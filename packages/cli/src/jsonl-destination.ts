/**
 * A JSONL file as an export destination: one trace per line, as Autolog's `TraceRecord` JSON
 * (lossless; `autolog import` reads it back). Appends, and skips traces whose id the file
 * already holds, so an export that is re-run or resumed never writes a trace twice. A last
 * line cut off by a crash is dropped on open.
 */
import { createReadStream, existsSync } from 'node:fs';
import { type FileHandle, mkdir, open, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Destination, TraceRecord } from '@autolog/core';

export class JsonlDestination implements Destination {
  readonly name = 'jsonl';
  /** Traces written by this destination (not counting those already in the file). */
  written = 0;
  /** Traces skipped because the file already held them. */
  skipped = 0;

  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
    private readonly ids: Set<string>,
  ) {}

  /** Opens (creating) the file; `restart` empties it first. */
  static async open(path: string, options: { restart?: boolean } = {}): Promise<JsonlDestination> {
    await mkdir(dirname(path), { recursive: true });
    const ids = new Set<string>();
    if (existsSync(path)) {
      if (options.restart) await truncate(path, 0);
      else await truncate(path, await scanTraceIds(path, ids));
    }
    const file = await open(path, 'a');
    // A last line written without its newline (by hand, or by another tool) gets one.
    const { size } = await file.stat();
    if (size > 0 && (await lastByte(path, size)) !== 0x0a) await file.appendFile('\n');
    return new JsonlDestination(path, file, ids);
  }

  /** Whether the file holds the trace. */
  has(traceId: string): boolean {
    return this.ids.has(traceId);
  }

  async export(traces: readonly TraceRecord[]): Promise<void> {
    const lines: string[] = [];
    for (const trace of traces) {
      if (this.ids.has(trace.info.traceId)) {
        this.skipped++;
        continue;
      }
      this.ids.add(trace.info.traceId);
      lines.push(`${JSON.stringify({ info: trace.info, data: trace.data })}\n`);
    }
    if (lines.length === 0) return;
    await this.file.appendFile(lines.join(''));
    this.written += lines.length;
  }

  /** Makes what was written durable before the checkpoint says so. */
  async forceFlush(): Promise<void> {
    await this.file.sync();
  }

  async shutdown(): Promise<void> {
    await this.file.close();
  }
}

/**
 * Reads the trace ids of a JSONL file into `ids` and returns the length of its well-formed
 * part: everything up to the last complete line that parses.
 */
async function scanTraceIds(path: string, ids: Set<string>): Promise<number> {
  const { size } = await stat(path);
  let offset = 0;
  let goodEnd = 0;
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    offset += Buffer.byteLength(line) + 1;
    if (!line.trim()) {
      goodEnd = offset;
      continue;
    }
    try {
      const json = JSON.parse(line) as { info?: { traceId?: unknown; trace_id?: unknown } };
      const id = json.info?.traceId ?? json.info?.trace_id;
      if (typeof id === 'string') ids.add(id);
      goodEnd = offset;
    } catch {
      // a line cut off by an interrupted write: only the last line can be, and it is dropped
    }
  }
  return Math.min(goodEnd, size);
}

async function lastByte(path: string, size: number): Promise<number> {
  const file = await open(path, 'r');
  try {
    const { buffer } = await file.read(Buffer.alloc(1), 0, 1, size - 1);
    return buffer[0];
  } finally {
    await file.close();
  }
}
