import type { StreamObserver } from './core.js';
import {
  type CallContext,
  endWithBuiltResponse,
  endWithError,
  markFirstToken,
  snapshotNow,
} from './span-end.js';

/** Rebuilds a legacy `text_completion` from streamed chunks (text per choice, usage from the last chunk). */
export class CompletionStreamAccumulator implements StreamObserver {
  /** `add` never holds a chunk back: the consumer reads each one from the SDK's own promise. */
  readonly neverHolds = true;
  private readonly ctx: CallContext;
  private readonly texts = new Map<number, { text: string; finish_reason: string | null }>();
  private readonly state = { first: false };
  /** Id, creation time and model, from the first chunk. */
  private head: { id: unknown; created: unknown; model: unknown } | undefined;
  private usage: unknown;
  private chunks = 0;

  constructor(ctx: CallContext) {
    this.ctx = ctx;
  }

  add(chunk: any): void {
    this.chunks++;
    if (this.head === undefined && chunk)
      this.head = { id: chunk.id, created: chunk.created, model: chunk.model };
    if (chunk?.usage) this.usage = chunk.usage;
    for (const c of chunk?.choices ?? []) {
      const entry = this.texts.get(c.index ?? 0) ?? { text: '', finish_reason: null };
      if (typeof c.text === 'string' && c.text) {
        markFirstToken(this.ctx, this.state);
        entry.text += c.text;
      }
      if (c.finish_reason) entry.finish_reason = c.finish_reason;
      this.texts.set(c.index ?? 0, entry);
    }
  }

  private completion(): any {
    const choices = [...this.texts.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([index, c]) => ({ index, text: c.text, finish_reason: c.finish_reason }));
    return {
      id: this.head?.id,
      object: 'text_completion',
      created: this.head?.created,
      model: this.head?.model,
      choices,
      ...(this.usage ? { usage: this.usage } : {}),
    };
  }

  /** Ends the span now; the completion is assembled and recorded when the span is exported. */
  finish(early: boolean): void {
    // The chunk that carried the usage is the app's too: record the usage as it is now.
    if (this.usage) this.usage = snapshotNow(this.usage);
    const chunks = this.chunks;
    endWithBuiltResponse(this.ctx, () => ({
      response: this.completion(),
      extra: { 'autolog.stream.chunks': chunks, ...(early ? { 'autolog.stream.stopped_early': true } : {}) },
    }));
  }

  fail(error: unknown): void {
    endWithError(this.ctx, error);
  }
}
