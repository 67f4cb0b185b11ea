import type { Assessment, AssessmentSourceType, FeedbackValue } from '../../types.js';

type Json = Record<string, any>;

const iso = (ms: number) => new Date(ms).toISOString();
const ms = (value: unknown): number =>
  typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) || Number(value) || 0 : 0;

/**
 * MLflow's `Assessment` JSON (as `POST /api/3.0/mlflow/traces/{id}/assessments` takes it) of a
 * feedback or an expectation.
 *
 * @example
 * assessmentToJson(feedback); // { assessment_name: 'relevance', source: { source_type: 'HUMAN', source_id: 'u1' }, feedback: { value: 0.9 }, … }
 */
export function assessmentToJson(a: Assessment): Json {
  const out: Json = {
    assessment_id: a.assessmentId,
    assessment_name: a.name,
    trace_id: a.traceId,
    source: { source_type: a.source.sourceType, source_id: a.source.sourceId },
    create_time: iso(a.createTime),
    last_update_time: iso(a.lastUpdateTime),
    valid: a.valid,
  };
  if (a.spanId !== undefined) out.span_id = a.spanId;
  if (a.rationale !== undefined) out.rationale = a.rationale;
  if (a.metadata !== undefined) out.metadata = a.metadata;
  if (a.overrides !== undefined) out.overrides = a.overrides;
  if (a.kind === 'feedback') {
    out.feedback = {
      ...(a.value !== undefined ? { value: a.value } : {}),
      ...(a.error
        ? {
            error: {
              error_code: a.error.errorCode,
              ...(a.error.errorMessage !== undefined ? { error_message: a.error.errorMessage } : {}),
              ...(a.error.stackTrace !== undefined ? { stack_trace: a.error.stackTrace } : {}),
            },
          }
        : {}),
    };
  } else {
    out.expectation = { value: a.value };
  }
  return out;
}

function expectationValue(e: Json): unknown {
  if ('value' in e) return e.value;
  const serialized = e.serialized_value;
  if (serialized && typeof serialized.value === 'string') {
    try {
      return JSON.parse(serialized.value);
    } catch {
      return serialized.value;
    }
  }
  return null;
}

/** An `Assessment` from MLflow's JSON. */
export function assessmentFromJson(json: Json): Assessment {
  const base = {
    assessmentId: String(json.assessment_id),
    traceId: String(json.trace_id ?? ''),
    name: String(json.assessment_name ?? json.name ?? ''),
    source: {
      sourceType: (json.source?.source_type ?? 'CODE') as AssessmentSourceType,
      sourceId: String(json.source?.source_id ?? 'default'),
    },
    createTime: ms(json.create_time),
    lastUpdateTime: ms(json.last_update_time ?? json.create_time),
    valid: json.valid !== false,
    ...(json.span_id ? { spanId: String(json.span_id) } : {}),
    ...(json.rationale !== undefined ? { rationale: String(json.rationale) } : {}),
    ...(json.metadata ? { metadata: json.metadata as Record<string, string> } : {}),
    ...(json.overrides ? { overrides: String(json.overrides) } : {}),
  };
  if (json.expectation) return { kind: 'expectation', ...base, value: expectationValue(json.expectation) };
  const feedback: Json = json.feedback ?? {};
  const err = feedback.error;
  return {
    kind: 'feedback',
    ...base,
    ...('value' in feedback ? { value: feedback.value as FeedbackValue } : {}),
    ...(err
      ? {
          error: {
            errorCode: String(err.error_code ?? 'ERROR'),
            ...(err.error_message !== undefined ? { errorMessage: String(err.error_message) } : {}),
            ...(err.stack_trace !== undefined ? { stackTrace: String(err.stack_trace) } : {}),
          },
        }
      : {}),
  };
}
