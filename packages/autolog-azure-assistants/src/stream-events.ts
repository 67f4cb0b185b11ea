import { afterRunEnds } from './after-run-ends.js';
import type { StreamObserver } from './core.js';
import type { RunTracker } from './run-tracker.js';

/**
 * Feeds an Assistants event stream (`runs.create({ stream: true })` and every helper built on it:
 * `runs.stream`, `createAndStream`, `createAndRunStream`, `submitToolOutputsStream`) to the run's
 * tracker. Items are `{ event, data }`: run events carry the run, step and message events their
 * snapshots; deltas only mark the first token.
 */
export function streamObserver(tracker: RunTracker): StreamObserver {
  return {
    add(item: any): Promise<unknown> | undefined {
      const event = item?.event;
      if (typeof event !== 'string') return;
      const data = item.data;
      if (event === 'thread.message.delta') tracker.firstToken();
      else if (event === 'thread.created') tracker.bindThread(data?.id);
      else if (event.startsWith('thread.run.step.')) {
        if (event !== 'thread.run.step.delta') tracker.recordStep(data);
      } else if (event.startsWith('thread.run.')) {
        // The terminal event reaches the consumer once the run's span has ended.
        const ended = tracker.observe(data, 'stream');
        if (ended) return afterRunEnds(ended, undefined);
      } else if (event.startsWith('thread.message.')) tracker.recordMessage(data);
      return undefined;
    },
    finish: (early) => tracker.streamEnded(early),
    fail: (error) => tracker.fail(error),
  };
}
