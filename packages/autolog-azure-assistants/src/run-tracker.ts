import {
  describeError,
  diag,
  type LiveSpan,
  nowNs,
  runInSpan,
  SpanAttributeKey,
  SpanType,
  startChildSpan,
  startSpan,
  updateCurrentTrace,
} from './core.js';
import { type ChatMessage, toChatMessage } from './messages.js';
import { addPendingMessages, forgetRun, registerRun } from './registry.js';
import { isAzure, recordRunFields, recordRunOutcome } from './run-attributes.js';
import { fetchRunDetails } from './run-details.js';
import { parseArguments, recordStepSpans } from './step-spans.js';
import type { SeenTimes } from './step-times.js';

/** The settings a tracker reads, resolved when a run starts. */
export interface TrackerSettings {
  captureContent(): boolean;
  runTimeoutMs(): number;
  fetchRunDetails(): boolean;
}

/** What is known when the app starts a run (`runs.create`, `threads.createAndRun`). */
export interface RunStart {
  /** The app's client, for reading the run's details at the end. */
  client: any;
  threadId?: string;
  params: any;
  /** The new messages the run answers, as far as this process saw them. */
  inputs: ChatMessage[];
  streaming: boolean;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'expired', 'incomplete']);

/**
 * Follows one run from its creation to its terminal state, whichever calls observe it (the
 * creating call, the app's polls, `poll` helpers, streams, tool-output submissions) and from
 * whichever async context: an AGENT span, ended once, with the run's steps as children. Every
 * public method is guarded: tracing failures are logged, never thrown into the app.
 */
export class RunTracker {
  private runId: string | undefined;
  private threadId: string | undefined;
  private readonly assistantId: string | undefined;
  private status: string | undefined;
  private inputs: ChatMessage[];
  private steps = new Map<string, any>();
  private readonly seen = new Map<string, SeenTimes>();
  private readonly messages = new Map<string, any>();
  private readonly toolSpans = new Map<string, LiveSpan>();
  /** Function calls answered in this process: from requires_action to the submission. */
  private readonly callTimes = new Map<string, SeenTimes>();
  private readonly recordedCalls = new Set<string>();
  private readonly captureContent: boolean;
  private readonly startedAt = performance.now();
  /** Every observation so far came through a stream (so the stream carried every step and message). */
  private streamOnly: boolean;
  private firstTokenSeen = false;
  private done = false;
  private timer: NodeJS.Timeout | undefined;

  /** Starts the span of a run; `undefined` when nothing is recorded (tracing off, sampled out). */
  static start(start: RunStart, settings: TrackerSettings): RunTracker | undefined {
    const azure = isAzure(start.client);
    const params = start.params ?? {};
    const attributes: Record<string, unknown> = { [SpanAttributeKey.PROVIDER]: azure ? 'azure' : 'openai' };
    if (typeof params.assistant_id === 'string') attributes['assistants.assistant_id'] = params.assistant_id;
    if (azure) attributes['azure.api_version'] = start.client.apiVersion;
    if (typeof params.model === 'string') attributes['gen_ai.request.model'] = params.model;
    if (start.streaming) attributes['autolog.stream'] = true;
    const span = startSpan({
      name: `${azure ? 'AzureOpenAI' : 'OpenAI'}.assistants.run`,
      spanType: SpanType.AGENT,
      attributes,
    });
    if (!span.isRecording) return undefined;
    return new RunTracker(span, start, settings);
  }

  private constructor(
    readonly span: LiveSpan,
    private readonly start: RunStart,
    private readonly settings: TrackerSettings,
  ) {
    this.assistantId = typeof start.params?.assistant_id === 'string' ? start.params.assistant_id : undefined;
    this.inputs = start.inputs;
    this.captureContent = settings.captureContent();
    this.streamOnly = start.streaming;
    if (this.captureContent && typeof start.params?.additional_instructions === 'string') {
      span.setAttribute('assistants.additional_instructions', start.params.additional_instructions);
    }
    if (start.threadId) this.bindThread(start.threadId);
    else this.updateInputs();
    this.touch();
  }

  /**
   * A run object from any call's response or stream event. When it is the run's terminal state,
   * returns the promise of the span's end (after the run's details are read).
   */
  observe(run: any, source: 'response' | 'poll' | 'stream'): Promise<void> | undefined {
    let ended: Promise<void> | undefined;
    this.guard('observe', () => {
      if (this.done || !run || typeof run !== 'object') return;
      if (source !== 'stream') this.streamOnly = false;
      if (!this.runId && typeof run.id === 'string') {
        this.runId = run.id;
        registerRun(run.id, this);
        this.span.setAttribute('assistants.run_id', run.id);
      }
      if (!this.threadId && typeof run.thread_id === 'string') this.bindThread(run.thread_id);
      this.touch();
      if (run.status !== this.status) {
        this.status = run.status;
        this.span.addEvent(`assistants.run.${run.status}`, { source });
        this.span.setAttribute('assistants.status', run.status);
        this.recordRunFields(run);
      }
      if (run.status === 'requires_action') this.startToolCalls(run);
      if (TERMINAL.has(run.status)) ended = this.finish(run, source === 'stream');
    });
    return ended;
  }

  /** The thread is known (at once for `runs.create`, from the response for `createAndRun`). */
  bindThread(threadId: unknown): void {
    this.guard('thread', () => {
      if (this.threadId || typeof threadId !== 'string') return;
      this.threadId = threadId;
      this.span.setAttribute('assistants.thread_id', threadId);
      this.updateInputs();
      // The thread is the conversation: it is the trace's session, and the id the app knows it by.
      runInSpan(this.span, () =>
        updateCurrentTrace({
          metadata: { 'mlflow.trace.session': threadId },
          clientRequestId: threadId,
          ...(this.assistantId ? { tags: { assistant_id: this.assistantId } } : {}),
        }),
      );
    });
  }

  /** A run step snapshot from a stream (`thread.run.step.created` … `completed`). */
  recordStep(step: any): void {
    this.guard('step', () => {
      if (this.done || typeof step?.id !== 'string') return;
      const now = nowNs();
      this.steps.set(step.id, step);
      const seen = this.seen.get(step.id);
      if (seen) seen.lastNs = now;
      else this.seen.set(step.id, { firstNs: now, lastNs: now });
      this.touch();
    });
  }

  /** A message snapshot from a stream (`thread.message.created` … `completed`). */
  recordMessage(message: any): void {
    this.guard('message', () => {
      if (this.done || typeof message?.id !== 'string') return;
      this.messages.set(message.id, message);
      this.touch();
    });
  }

  /** The first text delta of the reply arrived. */
  firstToken(): void {
    if (this.firstTokenSeen || this.done) return;
    this.firstTokenSeen = true;
    this.guard('ttft', () =>
      this.span.setAttribute(
        SpanAttributeKey.TIME_TO_FIRST_TOKEN_MS,
        Math.round((performance.now() - this.startedAt) * 1000) / 1000,
      ),
    );
  }

  /** The app answers `requires_action`: each function call's span ends with the output it submitted. */
  toolOutputsSubmitted(outputs: unknown): void {
    this.guard('tool-outputs', () => {
      if (this.done || !Array.isArray(outputs)) return;
      this.span.addEvent('assistants.tool_outputs_submitted', {
        tool_call_ids: outputs.map((o) => o?.tool_call_id),
      });
      for (const output of outputs) {
        const span = this.toolSpans.get(output?.tool_call_id);
        if (!span) continue;
        this.toolSpans.delete(output.tool_call_id);
        this.recordedCalls.add(output.tool_call_id);
        span.end({ outputs: this.captureContent ? output.output : undefined });
        this.callTimes.set(output.tool_call_id, {
          firstNs: span.startTimeNs,
          lastNs: span.endTimeNs ?? span.startTimeNs,
        });
      }
      this.touch();
    });
  }

  cancelRequested(): void {
    this.guard('cancel', () => {
      if (!this.done) this.span.addEvent('assistants.cancel_requested');
    });
  }

  /** A call about this run failed but the run goes on (a poll, a tool-output submission). */
  callFailed(call: string, error: unknown): void {
    this.guard('call-failed', () => {
      if (this.done) return;
      const status = (error as { status?: unknown })?.status;
      this.span.addEvent(`assistants.${call}_failed`, {
        error: describeError(error),
        ...(typeof status === 'number' ? { 'http.response.status_code': status } : {}),
      });
    });
  }

  /** A stream about this run ended; unless the run reached a terminal state, it goes on unobserved. */
  streamEnded(early: boolean): void {
    this.guard('stream-end', () => {
      if (!this.done && early) this.span.addEvent('assistants.stream_stopped_early');
    });
  }

  /** Creating the run failed, or its stream broke: the span ends with the error (which reaches the app unchanged). */
  fail(error: unknown): void {
    this.guard('fail', () => {
      if (this.done) return;
      this.close();
      // The run never started: its messages are still waiting for the thread's next run.
      if (!this.runId && this.start.threadId) addPendingMessages(this.start.threadId, this.inputs);
      const status = (error as { status?: unknown })?.status;
      if (typeof status === 'number') this.span.setAttribute('http.response.status_code', status);
      this.endToolSpans('ERROR');
      this.span.recordException(error);
      this.span.end();
    });
  }

  /** The run can no longer be followed (e.g. its creation response was read raw with `asResponse()`). */
  abandon(reason: string): void {
    this.guard('abandon', () => {
      if (this.done) return;
      this.close();
      this.span.setAttribute('assistants.untracked', reason);
      this.span.end();
    });
  }

  private timeout(): void {
    this.guard('timeout', () => {
      if (this.done) return;
      this.close();
      const ms = this.settings.runTimeoutMs();
      this.span.setAttribute('assistants.timed_out', true);
      this.endToolSpans('ERROR');
      this.span.setStatus(
        'ERROR',
        `run not seen in a terminal state within ${ms} ms of the last observation (last status: ${this.status ?? 'unknown'})`,
      );
      this.span.end();
    });
  }

  /** Ends the span at the terminal state: reads the run's details if needed, records steps, reply, usage, status. Never rejects. */
  private async finish(run: any, viaStream: boolean): Promise<void> {
    if (this.done) return;
    this.close();
    const endNs = nowNs();
    try {
      if (this.settings.fetchRunDetails() && !(this.streamOnly && viaStream)) await this.readDetails(run);
      this.endToolSpans(run.status === 'failed' || run.status === 'expired' ? 'ERROR' : undefined);
      recordStepSpans([...this.steps.values()], {
        root: this.span,
        endNs,
        captureContent: this.captureContent,
        messages: this.messages,
        seen: this.seen,
        calls: this.callTimes,
        recordedCalls: this.recordedCalls,
        model: run.model,
      });
      this.recordOutcome(run);
    } catch (err) {
      diag.once(
        'error',
        'assistants-finish',
        `azure-assistants: recording the end of a run failed: ${describeError(err)}`,
      );
    } finally {
      this.span.end({ endTimeNs: endNs });
    }
  }

  private async readDetails(run: any): Promise<void> {
    const details = await fetchRunDetails(this.start.client, run, {
      steps: true,
      messages: this.captureContent,
      inputs: this.captureContent && this.inputs.length === 0,
      fileSearchContent: this.captureContent,
    });
    // The API's list is complete and in order; steps only a stream showed keep their place after it.
    const steps = new Map(details.steps.map((step) => [step.id, step]));
    for (const [id, step] of this.steps) if (!steps.has(id)) steps.set(id, step);
    this.steps = steps;
    for (const message of details.messages) this.messages.set(message.id, message);
    if (details.inputs?.length) {
      this.inputs = details.inputs.map(toChatMessage);
      this.updateInputs();
    }
    if (details.errors.length) this.span.setAttribute('assistants.details_error', details.errors.join('; '));
  }

  private recordOutcome(run: any): void {
    this.recordRunFields(run);
    const replies = [...this.messages.values()]
      .filter((m) => m?.run_id === run.id && m?.role === 'assistant')
      .sort((a, b) => (a.created_at ?? 0) - (b.created_at ?? 0));
    recordRunOutcome(this.span, run, replies, this.captureContent);
  }

  private recordRunFields(run: any): void {
    recordRunFields(this.span, run, {
      azure: isAzure(this.start.client),
      captureContent: this.captureContent,
    });
  }

  private startToolCalls(run: any): void {
    const calls: any[] = run.required_action?.submit_tool_outputs?.tool_calls ?? [];
    const fresh = calls.filter(
      (c) => typeof c?.id === 'string' && !this.toolSpans.has(c.id) && !this.recordedCalls.has(c.id),
    );
    if (!fresh.length) return;
    for (const call of fresh) {
      const span = startChildSpan(this.span, {
        name: call.function?.name ?? 'function',
        spanType: SpanType.TOOL,
        inputs: this.captureContent ? parseArguments(call.function?.arguments) : undefined,
        attributes: { 'assistants.tool_call_id': call.id, 'assistants.tool_type': 'function' },
      });
      this.toolSpans.set(call.id, span);
    }
  }

  /** Ends function-call spans whose output never came (the run ended or was given up first). */
  private endToolSpans(status: 'ERROR' | undefined): void {
    for (const [id, span] of this.toolSpans) {
      span.setAttribute('assistants.tool_output_submitted', false);
      if (status) span.setStatus(status, 'the run ended before a tool output was submitted');
      span.end();
      this.recordedCalls.add(id);
    }
    this.toolSpans.clear();
  }

  private updateInputs(): void {
    const inputs: Record<string, unknown> = {};
    if (this.captureContent) inputs.messages = this.inputs;
    if (this.assistantId) inputs.assistant_id = this.assistantId;
    if (this.threadId) inputs.thread_id = this.threadId;
    this.span.setInputs(inputs);
  }

  /** Restarts the idle timer: a run nobody observes for `runTimeoutMs` is ended as timed out. */
  private touch(): void {
    if (this.timer) clearTimeout(this.timer);
    const ms = this.settings.runTimeoutMs();
    if (!(ms > 0 && Number.isFinite(ms))) return;
    this.timer = setTimeout(() => this.timeout(), ms);
    this.timer.unref?.();
  }

  /** No more observations: stop the timer and let polls of this run pass untouched. */
  private close(): void {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    forgetRun(this.runId, this);
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      diag.once(
        'error',
        `assistants-${what}`,
        `azure-assistants: recording a run failed (${what}): ${describeError(err)}`,
      );
    }
  }
}
