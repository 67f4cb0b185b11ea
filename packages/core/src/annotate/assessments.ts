/**
 * Feedback and expectations on a given store (the public functions pass the configured one).
 */
import { AutologError } from '../errors.js';
import { newAssessmentId } from '../ids.js';
import type {
  Assessment,
  AssessmentSource,
  Expectation,
  Feedback,
  FeedbackValue,
  TraceStore,
} from '../types.js';
import { type AnnotationStore, annotationStore } from './backend.js';
import {
  type AssessmentErrorInput,
  checkError,
  checkMetadata,
  checkSource,
  invalid,
  optionalString,
  requireJson,
  requireString,
} from './validate.js';

export interface LogFeedbackOptions {
  traceId: string;
  /** e.g. `user_satisfaction`, `relevance`. */
  name: string;
  /** Boolean (thumbs up/down), number (a score), string (a label) or an object. */
  value?: FeedbackValue;
  /** When the assessment itself failed (a judge that timed out): an Error or `{ errorCode, errorMessage? }`. */
  error?: AssessmentErrorInput;
  /** Default `{ sourceType: 'CODE', sourceId: 'default' }`. */
  source?: AssessmentSource;
  rationale?: string;
  /** Attach the feedback to this span of the trace instead of the whole trace. */
  spanId?: string;
  metadata?: Record<string, string | number | boolean>;
  /** Id of an earlier assessment of the same name on this trace that this one replaces (it becomes invalid). */
  overrides?: string;
}

export interface LogExpectationOptions {
  traceId: string;
  name: string;
  /** Any JSON value: a string, a number, or an object such as `{ should_escalate: true, tone: 'friendly' }`. */
  value: unknown;
  /** Default `{ sourceType: 'HUMAN', sourceId: 'default' }`. */
  source?: AssessmentSource;
  rationale?: string;
  spanId?: string;
  metadata?: Record<string, string | number | boolean>;
  overrides?: string;
}

export interface UpdateAssessmentOptions {
  traceId: string;
  assessmentId: string;
  name?: string;
  /** New value. For feedback, `value` and `error` are replaced together: give the one that applies. */
  value?: unknown;
  error?: AssessmentErrorInput | null;
  rationale?: string;
  source?: AssessmentSource;
  /** Merged into the existing metadata. */
  metadata?: Record<string, string | number | boolean>;
}

const FEEDBACK_SOURCE: AssessmentSource = { sourceType: 'CODE', sourceId: 'default' };
const EXPECTATION_SOURCE: AssessmentSource = { sourceType: 'HUMAN', sourceId: 'default' };

function optionsObject(fn: string, options: unknown): Record<string, unknown> {
  if (!options || typeof options !== 'object')
    throw invalid(fn, `expects an options object, got ${String(options)}.`);
  return options as Record<string, unknown>;
}

/** The store's annotation interface after checking that the trace exists. */
export async function requireTrace(
  store: TraceStore,
  fn: string,
  traceId: unknown,
): Promise<{ backend: AnnotationStore; traceId: string }> {
  const id = requireString(fn, 'traceId', traceId);
  const backend = annotationStore(store);
  if (!(await backend.hasTrace(id))) {
    throw new AutologError(
      'TRACE_NOT_FOUND',
      `${fn}: trace "${id}" not found in the ${store.name} destination.`,
    );
  }
  return { backend, traceId: id };
}

async function requireAssessment(
  backend: AnnotationStore,
  fn: string,
  traceId: string,
  assessmentId: unknown,
): Promise<Assessment> {
  const id = requireString(fn, 'assessmentId', assessmentId);
  const found = await backend.getAssessment(traceId, id);
  if (!found)
    throw new AutologError(
      'ASSESSMENT_NOT_FOUND',
      `${fn}: assessment "${id}" not found on trace "${traceId}".`,
    );
  return found;
}

/** Common fields of a new assessment, checked. */
async function baseOf(store: TraceStore, fn: string, o: Record<string, unknown>, kind: Assessment['kind']) {
  const { backend, traceId } = await requireTrace(store, fn, o.traceId);
  const name = requireString(fn, 'name', o.name);
  const spanId = optionalString(fn, 'spanId', o.spanId);
  if (spanId !== undefined && !(await backend.hasSpan(traceId, spanId))) {
    throw invalid(fn, `span "${spanId}" not found in trace "${traceId}".`);
  }
  const overrides = optionalString(fn, 'overrides', o.overrides);
  if (overrides !== undefined) {
    const old = await requireAssessment(backend, fn, traceId, overrides);
    if (old.kind !== kind || old.name !== name) {
      throw invalid(
        fn,
        `"overrides" must name an earlier ${kind} called "${name}"; "${overrides}" is a ${old.kind} called "${old.name}".`,
      );
    }
  }
  const now = Date.now();
  const base = {
    assessmentId: newAssessmentId(),
    traceId,
    name,
    source: checkSource(fn, o.source, kind === 'feedback' ? FEEDBACK_SOURCE : EXPECTATION_SOURCE),
    createTime: now,
    lastUpdateTime: now,
    valid: true,
    ...(spanId !== undefined ? { spanId } : {}),
    ...(o.rationale !== undefined ? { rationale: optionalString(fn, 'rationale', o.rationale) } : {}),
    ...(o.metadata !== undefined ? { metadata: checkMetadata(fn, o.metadata) } : {}),
    ...(overrides !== undefined ? { overrides } : {}),
  };
  return { backend, base };
}

/** Feedback value and error, checked: at least one of them. */
function feedbackParts(fn: string, value: unknown, error: unknown): Pick<Feedback, 'value' | 'error'> {
  const out: Pick<Feedback, 'value' | 'error'> = {};
  if (value !== undefined && value !== null) out.value = requireJson(fn, 'value', value) as FeedbackValue;
  const err = checkError(fn, error);
  if (err) out.error = err;
  if (out.value === undefined && !out.error)
    throw invalid(fn, 'give a "value" (boolean, number, string or object) or an "error".');
  return out;
}

/** Logs feedback on `store`; see the top-level `logFeedback`. */
export async function logFeedbackIn(store: TraceStore, options: LogFeedbackOptions): Promise<Feedback> {
  const fn = 'logFeedback';
  const o = optionsObject(fn, options);
  const { backend, base } = await baseOf(store, fn, o, 'feedback');
  const feedback: Feedback = { kind: 'feedback', ...base, ...feedbackParts(fn, o.value, o.error) };
  await backend.upsertAssessment(feedback);
  return feedback;
}

/** Logs an expectation on `store`; see the top-level `logExpectation`. */
export async function logExpectationIn(
  store: TraceStore,
  options: LogExpectationOptions,
): Promise<Expectation> {
  const fn = 'logExpectation';
  const o = optionsObject(fn, options);
  if (o.value === undefined) throw invalid(fn, '"value" is required (any JSON value).');
  const value = requireJson(fn, 'value', o.value);
  const { backend, base } = await baseOf(store, fn, o, 'expectation');
  const expectation: Expectation = { kind: 'expectation', ...base, value };
  await backend.upsertAssessment(expectation);
  return expectation;
}

/** An assessment of a trace from `store`. */
export async function getAssessmentIn(
  store: TraceStore,
  traceId: string,
  assessmentId: string,
): Promise<Assessment> {
  const { backend, traceId: id } = await requireTrace(store, 'getAssessment', traceId);
  return requireAssessment(backend, 'getAssessment', id, assessmentId);
}

/** Updates an assessment in place on `store`; see the top-level `updateAssessment`. */
export async function updateAssessmentIn(
  store: TraceStore,
  options: UpdateAssessmentOptions,
): Promise<Assessment> {
  const fn = 'updateAssessment';
  const o = optionsObject(fn, options);
  const { backend, traceId } = await requireTrace(store, fn, o.traceId);
  const old = await requireAssessment(backend, fn, traceId, o.assessmentId);
  const next: Record<string, unknown> = { ...old, lastUpdateTime: Math.max(Date.now(), old.lastUpdateTime) };
  if (o.name !== undefined) next.name = requireString(fn, 'name', o.name);
  if (o.rationale !== undefined) next.rationale = optionalString(fn, 'rationale', o.rationale);
  if (o.source !== undefined) next.source = checkSource(fn, o.source, old.source);
  if (o.metadata !== undefined) next.metadata = { ...old.metadata, ...checkMetadata(fn, o.metadata) };
  if (old.kind === 'feedback' && ('value' in o || 'error' in o)) {
    delete next.value;
    delete next.error;
    Object.assign(next, feedbackParts(fn, o.value, o.error));
  } else if (old.kind === 'expectation') {
    if (o.error !== undefined && o.error !== null)
      throw invalid(fn, 'an expectation has no "error"; update its "value".');
    if ('value' in o && o.value !== undefined) next.value = requireJson(fn, 'value', o.value);
  }
  const updated = next as unknown as Assessment;
  await backend.upsertAssessment(updated);
  return updated;
}

/** Deletes an assessment from `store` (the one it overrode becomes valid again). */
export async function deleteAssessmentIn(
  store: TraceStore,
  traceId: string,
  assessmentId: string,
): Promise<void> {
  const { backend, traceId: id } = await requireTrace(store, 'deleteAssessment', traceId);
  await requireAssessment(backend, 'deleteAssessment', id, assessmentId);
  await backend.deleteAssessment(id, assessmentId);
}
