/**
 * `chat.completions.runTools()` (4.x: `beta.chat.completions.runTools()`): one `AGENT` span for
 * the whole run, with each model call (`CHAT_MODEL`, traced by `create` underneath) and each tool
 * call (`TOOL`) beneath it. The runner the SDK returns is passed back as it is.
 */
import { type CallSettings, isAzureClient } from './calls.js';
import {
  diag,
  isTracingSuppressed,
  type LiveSpan,
  runAndEnd,
  runInSpan,
  SpanAttributeKey,
  SpanType,
  startSpan,
} from './core.js';

type AnyFunction = (this: any, ...args: any[]) => any;

/** The replacement for `runTools`. */
export function tracedRunTools(settings: CallSettings) {
  return (original: AnyFunction) =>
    function runTools(this: any, ...args: any[]) {
      if (!settings.active() || isTracingSuppressed()) return original.apply(this, args);
      let span: LiveSpan;
      let captureContent: boolean;
      let callArgs: any[];
      try {
        captureContent = settings.captureContent();
        callArgs = [withTracedTools(args[0], captureContent), ...args.slice(1)];
        span = startRun(this?._client, args[0], captureContent);
      } catch {
        return original.apply(this, args);
      }
      let runner: any;
      try {
        // The runner starts its work from a timer set here: its model and tool calls inherit the span.
        runner = runInSpan(span, () => original.apply(this, callArgs));
      } catch (err) {
        span.recordException(err);
        span.end();
        throw err;
      }
      observeRunner(runner, span, captureContent);
      return runner;
    };
}

function startRun(client: any, body: any, captureContent: boolean): LiveSpan {
  const azure = isAzureClient(client);
  const attributes: Record<string, unknown> = {
    [SpanAttributeKey.PROVIDER]: azure ? 'azure' : 'openai',
    'gen_ai.operation.name': 'run_tools',
  };
  if (typeof body?.model === 'string') attributes['gen_ai.request.model'] = body.model;
  if (body?.stream === true) attributes['autolog.stream'] = true;
  const span = startSpan({
    name: `${azure ? 'AzureOpenAI' : 'OpenAI'}.chat.completions.runTools`,
    spanType: SpanType.AGENT,
    attributes,
  });
  if (captureContent && body !== undefined) span.setInputs(body);
  return span;
}

/**
 * The request with each runnable tool's function replaced by one that records a `TOOL` span.
 * The caller's objects are not changed: tools are copied with all their properties (the SDK's
 * auto-parseable tools keep their hidden brand and parser).
 */
function withTracedTools(body: any, captureContent: boolean): any {
  const tools = body?.tools;
  if (!Array.isArray(tools) || tools.length === 0) return body;
  return { ...body, tools: tools.map((tool) => tracedTool(tool, captureContent)) };
}

function tracedTool(tool: any, captureContent: boolean): any {
  if (!tool || typeof tool !== 'object' || tool.type !== 'function') return tool;
  const fn = tool.function;
  const descriptors = Object.getOwnPropertyDescriptors(tool);
  if (typeof tool.$callback === 'function' && descriptors.$callback) {
    // Auto-parseable tools (`zodFunction`): the callback is a hidden, read-only property.
    descriptors.$callback = {
      ...descriptors.$callback,
      value: toolSpan(tool.$callback, fn?.name ?? tool.$callback.name, captureContent),
    };
    return Object.defineProperties({}, descriptors);
  }
  if (fn && typeof fn.function === 'function' && descriptors.function) {
    descriptors.function = {
      ...descriptors.function,
      value: { ...fn, function: toolSpan(fn.function, fn.name || fn.function.name, captureContent) },
    };
    return Object.defineProperties({}, descriptors);
  }
  return tool;
}

/** `fn` recording a `TOOL` span per call: the (parsed) arguments in, the result out. */
function toolSpan(fn: AnyFunction, name: string | undefined, captureContent: boolean): AnyFunction {
  return function tool(this: unknown, ...args: any[]) {
    let span: LiveSpan;
    try {
      span = startSpan({ name: name || 'tool', spanType: SpanType.TOOL });
      if (captureContent && args[0] !== undefined) span.setInputs(args[0]);
    } catch {
      return fn.apply(this, args);
    }
    return runAndEnd(span, () => fn.apply(this, args), captureContent);
  };
}

/**
 * Ends the span when the runner ends, with its final answer (or its error). Reads the runner's
 * events where the SDK emits them instead of adding listeners: a listener for `error` would change
 * what the app sees (an unhandled runner error is reported only when nobody listens).
 */
function observeRunner(runner: any, span: LiveSpan, captureContent: boolean): void {
  const emit = runner?._emit;
  if (typeof emit !== 'function') {
    diag.once('debug', 'run-tools-unobserved', 'runTools returned an unrecognised runner; its span ends now');
    span.end();
    return;
  }
  let finalContent: unknown;
  let finalMessage: unknown;
  let failure: { error: unknown } | undefined;
  let ended = false;
  runner._emit = function (this: unknown, event: string, ...rest: unknown[]) {
    if (!ended) {
      try {
        if (event === 'finalContent') finalContent = rest[0];
        else if (event === 'finalMessage') finalMessage = rest[0];
        else if (event === 'error' || event === 'abort') failure ??= { error: rest[0] };
        else if (event === 'end') {
          ended = true;
          if (failure) span.recordException(failure.error);
          else if (captureContent) span.setOutputs(finalContent ?? finalMessage);
          span.end();
        }
      } catch (err) {
        diag.once('error', 'run-tools-end', `recording runTools failed: ${String(err)}`);
      }
    }
    return emit.call(this, event, ...rest);
  };
}
