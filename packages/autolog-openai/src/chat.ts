import type { StreamObserver } from './core.js';
import {
  type CallContext,
  endWithBuiltResponse,
  endWithError,
  endWithResponse,
  markFirstToken,
  snapshotNow,
} from './span-end.js';

/** Finish reasons of a chat completion, for the span attribute. */
function finishReasons(choices: any[] | undefined): string[] | undefined {
  const reasons = choices?.map((c) => c?.finish_reason).filter((r) => typeof r === 'string');
  return reasons?.length ? reasons : undefined;
}

export function endChatCompletion(ctx: CallContext, completion: any): void {
  const reasons = finishReasons(completion?.choices);
  endWithResponse(
    ctx,
    completion,
    completion,
    reasons ? { 'gen_ai.response.finish_reasons': reasons } : undefined,
  );
}

interface ChoiceState {
  index: number;
  role: string;
  content: string;
  refusal: string;
  toolCalls: Map<number, { id?: string; type: string; function: { name: string; arguments: string } }>;
  finishReason: string | null;
}

/**
 * Rebuilds a `chat.completion` from `chat.completion.chunk`s: text and refusals per choice,
 * streamed tool-call deltas joined by index, finish reasons, and usage from the final chunk.
 */
export class ChatStreamAccumulator implements StreamObserver {
  /** `add` never holds a chunk back: the consumer reads each one from the SDK's own promise. */
  readonly neverHolds = true;
  private readonly ctx: CallContext;
  private readonly choices = new Map<number, ChoiceState>();
  private readonly state = { first: false };
  private first: ChoiceState | undefined;
  /** True once the id, model and creation time are known (read from the first chunks that carry them). */
  private described = false;
  private id: string | undefined;
  private model: string | undefined;
  private created: number | undefined;
  private usage: unknown;
  private chunks = 0;

  constructor(ctx: CallContext) {
    this.ctx = ctx;
  }

  add(chunk: any): void {
    this.chunks++;
    if (!chunk) return;
    if (!this.described) {
      this.id ??= chunk.id;
      this.model ??= chunk.model;
      this.created ??= chunk.created;
      this.described = this.id !== undefined && this.model !== undefined && this.created !== undefined;
    }
    const usage = chunk.usage;
    if (usage) this.usage = usage;
    const choices = chunk.choices;
    if (!Array.isArray(choices)) return;
    for (let i = 0; i < choices.length; i++) {
      const c = choices[i];
      if (!c) continue;
      const state = this.choice(c.index ?? 0);
      if (c.finish_reason) state.finishReason = c.finish_reason;
      const delta = c.delta;
      if (!delta) continue;
      const content = delta.content;
      if (typeof content === 'string' && content) {
        markFirstToken(this.ctx, this.state);
        state.content += content;
      }
      if (delta.role) state.role = delta.role;
      if (typeof delta.refusal === 'string') state.refusal += delta.refusal;
      if (Array.isArray(delta.tool_calls)) {
        markFirstToken(this.ctx, this.state);
        for (const tc of delta.tool_calls) {
          const i = tc.index ?? 0;
          let call = state.toolCalls.get(i);
          if (!call) {
            call = { type: tc.type ?? 'function', function: { name: '', arguments: '' } };
            state.toolCalls.set(i, call);
          }
          if (tc.id) call.id = tc.id;
          if (tc.function?.name) call.function.name += tc.function.name;
          if (tc.function?.arguments) call.function.arguments += tc.function.arguments;
        }
      }
    }
  }

  /** The state of choice `index`, made on its first delta (choice 0, the usual only one, kept at hand). */
  private choice(index: number): ChoiceState {
    if (index === 0 && this.first) return this.first;
    let state = this.choices.get(index);
    if (!state) {
      state = {
        index,
        role: 'assistant',
        content: '',
        refusal: '',
        toolCalls: new Map(),
        finishReason: null,
      };
      this.choices.set(index, state);
      if (index === 0) this.first = state;
    }
    return state;
  }

  completion(): any {
    const choices = [...this.choices.values()]
      .sort((a, b) => a.index - b.index)
      .map((s) => ({
        index: s.index,
        message: {
          role: s.role,
          content: s.content || (s.toolCalls.size ? null : ''),
          ...(s.refusal ? { refusal: s.refusal } : {}),
          ...(s.toolCalls.size
            ? { tool_calls: [...s.toolCalls.entries()].sort((a, b) => a[0] - b[0]).map(([, call]) => call) }
            : {}),
        },
        finish_reason: s.finishReason,
      }));
    return {
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      choices,
      ...(this.usage ? { usage: this.usage } : {}),
    };
  }

  /**
   * Ends the span when the stream ends; the completion is assembled and recorded when the span is
   * exported, off the consumer's path (it is built from this accumulator's own state).
   */
  finish(early: boolean): void {
    // The chunk that carried the usage is the app's too: record the usage as it is now.
    if (this.usage) this.usage = snapshotNow(this.usage);
    const chunks = this.chunks;
    endWithBuiltResponse(this.ctx, () => {
      const completion = this.completion();
      const reasons = finishReasons(completion.choices);
      return {
        response: completion,
        extra: {
          'autolog.stream.chunks': chunks,
          ...(reasons ? { 'gen_ai.response.finish_reasons': reasons } : {}),
          ...(early ? { 'autolog.stream.stopped_early': true } : {}),
        },
      };
    });
  }

  fail(error: unknown): void {
    if (this.ctx.captureContent && this.chunks) this.ctx.span.setOutputs(this.completion());
    endWithError(this.ctx, error);
  }
}
