import { afterRunEnds } from './after-run-ends.js';
import { describeError, diag, isTracingSuppressed, observeResult, observeStream } from './core.js';
import { paramMessages, toChatMessage } from './messages.js';
import { addPendingMessages, openRunCount, takePendingMessages, trackerOf } from './registry.js';
import { RunTracker, type TrackerSettings } from './run-tracker.js';
import { streamObserver } from './stream-events.js';

export interface CallSettings extends TrackerSettings {
  active(): boolean;
}

type Method = (this: any, ...args: any[]) => any;
type Wrapper = (original: Method) => Method;

/** Runs hook code before the SDK call; a failure is logged once and gives `fallback`, never an error in the app. */
function attempt<T>(what: string, fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (err) {
    diag.once('error', `assistants-call-${what}`, `azure-assistants: ${what} failed: ${describeError(err)}`);
    return fallback;
  }
}

/**
 * `runs.create(threadId, params)` and `threads.createAndRun(params)` — also what `createAndPoll`,
 * `stream`, `createAndStream` and `createAndRun(Poll|Stream)` call underneath: the run's span
 * starts here. The SDK's own `APIPromise` (or stream) goes back to the caller.
 */
export function tracedRunStart(kind: 'create' | 'createAndRun', settings: CallSettings): Wrapper {
  return (original) =>
    function traced(this: any, ...args: any[]) {
      if (!settings.active()) return original.apply(this, args);
      if (isTracingSuppressed()) {
        // Untraced, but the thread's waiting messages belong to this run, not to the next traced one.
        if (kind === 'create') attempt('reading a thread id', () => takePendingMessages(args[0]), []);
        return original.apply(this, args);
      }
      const params = (kind === 'create' ? args[1] : args[0]) ?? {};
      const tracker = attempt(
        'starting a run span',
        () => {
          const threadId = kind === 'create' && typeof args[0] === 'string' ? args[0] : undefined;
          const inputs =
            kind === 'create'
              ? [...takePendingMessages(threadId), ...paramMessages(params.additional_messages)]
              : paramMessages(params.thread?.messages);
          const start = {
            client: this?._client,
            threadId,
            params,
            inputs,
            streaming: params.stream === true,
          };
          return RunTracker.start(start, settings);
        },
        undefined,
      );
      if (!tracker) return original.apply(this, args);
      let result: unknown;
      try {
        result = original.apply(this, args);
      } catch (err) {
        tracker.fail(err);
        throw err;
      }
      return observeResult(result, {
        onData: (data) => {
          if (params.stream === true) return observeStream(data, streamObserver(tracker));
          return afterRunEnds(tracker.observe(data, 'response'), data);
        },
        onError: (error) => tracker.fail(error),
        onRawResponse: () =>
          tracker.abandon('the creation response was read with asResponse(); the run could not be followed'),
      });
    };
}

/** The run id of `retrieve`/`cancel`/`submitToolOutputs`: `(threadId, runId, …)` in openai 4, `(runId, { thread_id }, …)` from 5. */
function runIdOf(args: any[]): unknown {
  return typeof args[1] === 'string' ? args[1] : args[0];
}

/**
 * `runs.retrieve` (the app's polling and the SDK's `poll`) and `runs.cancel`: each run object seen
 * moves its run's span on. Untouched when no run is being followed.
 */
export function observedRunRead(kind: 'retrieve' | 'cancel', settings: CallSettings): Wrapper {
  return (original) =>
    function observed(this: any, ...args: any[]) {
      const result = original.apply(this, args);
      if (!settings.active() || openRunCount() === 0) return result;
      const requested = attempt('reading a run id', () => trackerOf(runIdOf(args)), undefined);
      if (kind === 'cancel') requested?.cancelRequested();
      return observeResult(result, {
        onData: (run) => afterRunEnds(trackerOf(run?.id)?.observe(run, 'poll'), run),
        onError: (error) => requested?.callFailed(kind, error),
      });
    };
}

/** `runs.submitToolOutputs` (and its `AndPoll` / `Stream` helpers): ends the function-call spans and follows the run on. */
export function tracedSubmitToolOutputs(settings: CallSettings): Wrapper {
  return (original) =>
    function traced(this: any, ...args: any[]) {
      const tracker = settings.active()
        ? attempt('reading a run id', () => trackerOf(runIdOf(args)), undefined)
        : undefined;
      if (!tracker) return original.apply(this, args);
      const body = (typeof args[1] === 'string' ? args[2] : args[1]) ?? {};
      attempt('recording tool outputs', () => tracker.toolOutputsSubmitted(body.tool_outputs), undefined);
      const result = original.apply(this, args);
      return observeResult(result, {
        onData: (data) => {
          if (body.stream === true) return observeStream(data, streamObserver(tracker));
          return afterRunEnds(tracker.observe(data, 'response'), data);
        },
        onError: (error) => tracker.callFailed('submit_tool_outputs', error),
      });
    };
}

/** `messages.create`: the message waits for the thread's next run, whose inputs it becomes. */
export function observedMessageCreate(settings: CallSettings): Wrapper {
  return (original) =>
    function observed(this: any, ...args: any[]) {
      const result = original.apply(this, args);
      if (!settings.active() || isTracingSuppressed()) return result;
      return observeResult(result, {
        onData: (message) => {
          addPendingMessages(message?.thread_id, [toChatMessage(message)]);
          return message;
        },
        onError: () => undefined,
      });
    };
}

/** `threads.create({ messages })`: the messages wait for the thread's first run. */
export function observedThreadCreate(settings: CallSettings): Wrapper {
  return (original) =>
    function observed(this: any, ...args: any[]) {
      const result = original.apply(this, args);
      if (!settings.active() || isTracingSuppressed()) return result;
      const messages = attempt('reading thread messages', () => paramMessages(args[0]?.messages), []);
      if (!messages.length) return result;
      return observeResult(result, {
        onData: (thread) => {
          addPendingMessages(thread?.id, messages);
          return thread;
        },
        onError: () => undefined,
      });
    };
}
