import type { StreamObserver } from './core.js';
import { type CallContext, endWithError, endWithResponse, markFirstToken } from './span-end.js';

/** Rebuilds a legacy `text_completion` from streamed chunks (text per choice, usage from the last chunk). */
export class CompletionStreamAccumulator implements StreamObserver {
  /** `add` never holds a chunk back: the consumer reads each one from the SDK's own promise. */
  readonly neverHolds = true;
  private readonly ctx: CallContext;
  private readonly texts = new Map<number, { text: string; finish_reason: string | null }>();
  private readonly state = { first: false };
  private head: any;
  private usage: unknown;
  private chunks = 0;

  constructor(ctx: CallContext) {
    this.ctx = ctx;
  }

  add(chunk: any): void {
    this.chunks++;
    this.head ??= chunk;
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

  finish(early: boolean): void {
    const completion = this.completion();
    endWithResponse(this.ctx, completion, completion, {
      'autolog.stream.chunks': this.chunks,
      ...(early ? { 'autolog.stream.stopped_early': true } : {}),
    });
  }

  fail(error: unknown): void {
    endWithError(this.ctx, error);
  }
}
