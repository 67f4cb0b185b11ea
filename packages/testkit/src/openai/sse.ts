import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { openAIErrorBody } from './errors.js';
import { sleep } from './sleep.js';
import type { FailureSpec, RecordedResponse, SseWriter } from './types.js';

export interface SseWriterInit {
  res: ServerResponse;
  signal: AbortSignal;
  headers: Record<string, string>;
  record: RecordedResponse;
  chunkDelayMs: number;
  /** `named` streams (Responses API) send errors as `event: error`; `data` streams as `data: {"error":...}`. */
  flavor: 'data' | 'named';
  /** A mid-stream failure to inject once `afterEvents` frames have been written. */
  failure?: FailureSpec;
}

/**
 * Server-sent events in OpenAI's framing: `event: <name>\n` (named streams only), `data: <json>\n\n`.
 * Stops writing as soon as the client disconnects, so an aborted request stops the stream here.
 */
export function createSseWriter(init: SseWriterInit): SseWriter {
  const { res, signal, record } = init;
  let started = false;
  let sequence = 0;

  const start = () => {
    if (started) return;
    started = true;
    record.status = 200;
    record.stream = true;
    res.writeHead(200, {
      ...init.headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.flushHeaders();
  };

  const closed = () => signal.aborted || res.writableEnded || res.destroyed;

  const end = () => {
    start();
    if (res.writableEnded) return;
    res.end();
    record.finished = !signal.aborted;
  };

  const write = async (frame: string): Promise<boolean> => {
    record.events += 1;
    if (!res.write(frame)) {
      await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
    return !closed();
  };

  const failMidStream = async (): Promise<boolean> => {
    const failure = init.failure!;
    const { error } = openAIErrorBody(failure.status, failure);
    const frame =
      init.flavor === 'named'
        ? `event: error\ndata: ${JSON.stringify({ type: 'error', code: error.code, message: error.message, param: error.param, sequence_number: sequence })}\n\n`
        : `data: ${JSON.stringify({ error })}\n\n`;
    await write(frame);
    end();
    return false;
  };

  const writer: SseWriter = {
    get closed() {
      return closed();
    },
    async send(data, event) {
      if (closed()) return false;
      if (started && init.chunkDelayMs > 0) {
        await sleep(init.chunkDelayMs, signal);
        if (closed()) return false;
      }
      start();
      if (init.failure && sequence >= (init.failure.afterEvents ?? 0)) return failMidStream();
      sequence += 1;
      const payload = typeof data === 'string' ? data : JSON.stringify(data);
      return write(`${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`);
    },
    async done() {
      await writer.send('[DONE]');
      if (!res.writableEnded && !res.destroyed) end();
    },
    end,
  };
  return writer;
}
