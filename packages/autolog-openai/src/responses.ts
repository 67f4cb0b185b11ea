import type { StreamObserver } from './core.js';
import { type CallContext, endWithError, endWithResponse, markFirstToken } from './span-end.js';

/** The outputs of a Responses API call: the response object's output items and text. */
export function endResponse(ctx: CallContext, response: any): void {
  const extra: Record<string, unknown> = {};
  if (typeof response?.status === 'string') extra['gen_ai.response.status'] = response.status;
  endWithResponse(ctx, response, response, extra);
}

/**
 * Follows a Responses API event stream: the final `response.completed` (or `failed` /
 * `incomplete`) event carries the whole response with usage; deltas only mark the first token.
 */
export class ResponseStreamAccumulator implements StreamObserver {
  /** `add` never holds a chunk back: the consumer reads each one from the SDK's own promise. */
  readonly neverHolds = true;
  private readonly ctx: CallContext;
  private readonly state = { first: false };
  private final: any;
  private text = '';
  private events = 0;

  constructor(ctx: CallContext) {
    this.ctx = ctx;
  }

  add(event: any): void {
    this.events++;
    switch (event?.type) {
      case 'response.output_text.delta':
        markFirstToken(this.ctx, this.state);
        if (typeof event.delta === 'string') this.text += event.delta;
        break;
      case 'response.function_call_arguments.delta':
        markFirstToken(this.ctx, this.state);
        break;
      case 'response.created':
      case 'response.in_progress':
      case 'response.completed':
      case 'response.failed':
      case 'response.incomplete':
        this.final = event.response;
        break;
    }
  }

  finish(early: boolean): void {
    const response = this.final ?? { output_text: this.text };
    endWithResponse(this.ctx, response, response, {
      'autolog.stream.chunks': this.events,
      ...(typeof response?.status === 'string' ? { 'gen_ai.response.status': response.status } : {}),
      ...(early ? { 'autolog.stream.stopped_early': true } : {}),
    });
  }

  fail(error: unknown): void {
    endWithError(this.ctx, error);
  }
}
