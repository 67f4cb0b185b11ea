/**
 * Input checks for the annotation API. Every failure is an `AutologError` with code
 * `INVALID_ARGUMENT` whose message names the call, the option and what it must be.
 */
import { AutologError } from '../errors.js';
import type { AssessmentError, AssessmentSource, AssessmentSourceType } from '../types.js';

export const SOURCE_TYPES: readonly AssessmentSourceType[] = ['HUMAN', 'LLM_JUDGE', 'CODE'];

/** What `error` of a feedback accepts: MLflow's shape, or an Error (its name, message and stack). */
export type AssessmentErrorInput = AssessmentError | Error;

export function invalid(fn: string, message: string): AutologError {
  return new AutologError('INVALID_ARGUMENT', `${fn}: ${message}`);
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function requireString(fn: string, option: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalid(fn, `"${option}" must be a non-empty string, got ${show(value)}.`);
  }
  return value;
}

export function optionalString(fn: string, option: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(fn, `"${option}" must be a string, got ${show(value)}.`);
  return value;
}

/** Where `value` stops being JSON, or null when it is JSON (null, booleans, finite numbers, strings, arrays, plain objects). */
function jsonProblem(value: unknown, path: string, seen: Set<object>): string | null {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return null;
  if (typeof value === 'number')
    return Number.isFinite(value) ? null : `${path} is ${value}, which JSON cannot hold`;
  if (typeof value !== 'object')
    return `${path} is ${typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`}, which JSON cannot hold`;
  if (seen.has(value)) return `${path} refers back to itself`;
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
    return `${path} is a ${value.constructor?.name ?? 'non-plain object'}; pass plain objects, arrays, strings, numbers or booleans`;
  }
  seen.add(value);
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined && !Array.isArray(value)) continue;
    const problem = jsonProblem(v, Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`, seen);
    if (problem) return problem;
  }
  seen.delete(value);
  return null;
}

/** A copy of a JSON value (so later changes by the caller do not leak in). */
export function requireJson(fn: string, option: string, value: unknown): unknown {
  const problem = jsonProblem(value, option, new Set());
  if (problem) throw invalid(fn, `${problem}.`);
  return JSON.parse(JSON.stringify(value));
}

export function checkSource(fn: string, source: unknown, fallback: AssessmentSource): AssessmentSource {
  if (source === undefined) return { ...fallback };
  const s = source as Partial<AssessmentSource> | null;
  if (!s || typeof s !== 'object' || !SOURCE_TYPES.includes(s.sourceType as AssessmentSourceType)) {
    throw invalid(
      fn,
      `"source.sourceType" must be one of ${SOURCE_TYPES.join(', ')}, got ${show(s?.sourceType)}.`,
    );
  }
  return {
    sourceType: s.sourceType as AssessmentSourceType,
    sourceId: requireString(fn, 'source.sourceId', s.sourceId),
  };
}

/** Metadata values are strings (as in MLflow); numbers and booleans are converted. */
export function checkMetadata(fn: string, metadata: unknown): Record<string, string> | undefined {
  if (metadata === undefined) return undefined;
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw invalid(fn, `"metadata" must be an object of strings, got ${show(metadata)}.`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else throw invalid(fn, `"metadata.${k}" must be a string, got ${show(v)}.`);
  }
  return out;
}

export function checkError(fn: string, error: unknown): AssessmentError | undefined {
  if (error === undefined || error === null) return undefined;
  if (error instanceof Error) {
    return {
      errorCode: error.name || 'Error',
      errorMessage: error.message,
      ...(error.stack ? { stackTrace: error.stack } : {}),
    };
  }
  const e = error as Partial<AssessmentError>;
  if (typeof e !== 'object')
    throw invalid(fn, `"error" must be an Error or { errorCode, errorMessage? }, got ${show(error)}.`);
  const out: AssessmentError = { errorCode: requireString(fn, 'error.errorCode', e.errorCode) };
  const message = optionalString(fn, 'error.errorMessage', e.errorMessage);
  const stack = optionalString(fn, 'error.stackTrace', e.stackTrace);
  if (message !== undefined) out.errorMessage = message;
  if (stack !== undefined) out.stackTrace = stack;
  return out;
}
