/**
 * Tags, assessments and deletion as top-level functions over the configured store.
 */
import { TracingClient } from '../client.js';
import type { Assessment, Expectation, Feedback } from '../types.js';
import type { LogExpectationOptions, LogFeedbackOptions, UpdateAssessmentOptions } from './assessments.js';
import type { DeleteTracesOptions } from './tags.js';

/**
 * Sets a tag on a finished trace (overwriting the same key). Setting `mlflow.traceName` renames the trace.
 * @throws AutologError `TRACE_NOT_FOUND` naming the trace, `INVALID_ARGUMENT` for an empty key.
 * @example
 * await setTraceTag(traceId, 'reviewed', 'yes');
 */
export async function setTraceTag(traceId: string, key: string, value: string): Promise<void> {
  return new TracingClient().setTraceTag(traceId, key, value);
}

/**
 * Removes a tag from a trace.
 * @throws AutologError `TRACE_NOT_FOUND`, or `TAG_NOT_FOUND` when the trace has no such tag.
 * @example
 * await deleteTraceTag(traceId, 'reviewed');
 */
export async function deleteTraceTag(traceId: string, key: string): Promise<void> {
  return new TracingClient().deleteTraceTag(traceId, key);
}

/**
 * Deletes traces with their spans, tags and assessments: by `traceIds`, or those requested at
 * or before `maxTimestampMillis` (oldest first, at most `maxTraces`, in the current
 * experiment unless `experimentId` is given). Returns how many were deleted.
 * @example
 * // Keep 30 days.
 * await deleteTraces({ maxTimestampMillis: Date.now() - 30 * 86_400_000 });
 */
export async function deleteTraces(options: DeleteTracesOptions): Promise<number> {
  return new TracingClient().deleteTraces(options);
}

/**
 * Logs feedback on a trace (or one of its spans): a boolean, number, string or object value,
 * or an `error` when the assessment itself failed; from a `HUMAN`, `LLM_JUDGE` or `CODE`
 * source. With `overrides`, the earlier assessment of the same name becomes invalid.
 * @throws AutologError `TRACE_NOT_FOUND` naming the trace, `INVALID_ARGUMENT` for bad input.
 * @example
 * // Thumbs up, a numeric score and an LLM judge (seed 000).
 * await logFeedback({ traceId, name: 'user_satisfaction', value: true, source: { sourceType: 'HUMAN', sourceId: userName } });
 * await logFeedback({ traceId, name: 'relevance', value: 0.9, source: { sourceType: 'HUMAN', sourceId: userName }, rationale: 'High accuracy and clarity' });
 * await logFeedback({ traceId, name: 'llm_evaluation', value: 0.3, source: { sourceType: 'LLM_JUDGE', sourceId: 'GPT-5' }, rationale: 'Not as good as I could have done' });
 */
export async function logFeedback(options: LogFeedbackOptions): Promise<Feedback> {
  return new TracingClient().logFeedback(options);
}

/**
 * Logs an expectation (ground truth): any JSON value.
 * @example
 * await logExpectation({
 *   traceId,
 *   name: 'expected_behavior',
 *   value: { should_escalate: true, required_elements: ['empathy', 'solution_offer', 'follow_up'], max_response_length: 150, tone: 'professional_friendly' },
 *   source: { sourceType: 'HUMAN', sourceId: userName },
 * });
 */
export async function logExpectation(options: LogExpectationOptions): Promise<Expectation> {
  return new TracingClient().logExpectation(options);
}

/**
 * An assessment of a trace.
 * @throws AutologError `TRACE_NOT_FOUND` or `ASSESSMENT_NOT_FOUND`.
 * @example
 * const fb = await getAssessment(traceId, assessmentId);
 */
export async function getAssessment(traceId: string, assessmentId: string): Promise<Assessment> {
  return new TracingClient().getAssessment(traceId, assessmentId);
}

/**
 * Updates an assessment in place: name, value (for feedback, value and error together),
 * rationale, source; metadata is merged. Returns the updated assessment.
 * @example
 * await updateAssessment({ traceId, assessmentId, value: 0.8, rationale: 'second look' });
 */
export async function updateAssessment(options: UpdateAssessmentOptions): Promise<Assessment> {
  return new TracingClient().updateAssessment(options);
}

/**
 * Deletes an assessment; the one it overrode (if any) becomes valid again.
 * @throws AutologError `TRACE_NOT_FOUND` or `ASSESSMENT_NOT_FOUND`.
 * @example
 * await deleteAssessment(traceId, assessmentId);
 */
export async function deleteAssessment(traceId: string, assessmentId: string): Promise<void> {
  return new TracingClient().deleteAssessment(traceId, assessmentId);
}
