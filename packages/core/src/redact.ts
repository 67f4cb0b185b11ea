import { describeError, diag } from './diag.js';
import type { RedactHook } from './settings.js';
import type { SpanData } from './types.js';

const SECRET_KEY =
  /^(authorization|proxy-authorization|api[-_]?key|x-api-key|openai[-_]?api[-_]?key|password|passwd|secret|client[-_]?secret|access[-_]?token|refresh[-_]?token|bearer|cookie|set-cookie)$/i;
const SECRET_VALUE =
  /\b(sk-[A-Za-z0-9_-]{16,}|Bearer\s+[A-Za-z0-9._~+/=-]{16,}|dapi[0-9a-f]{32}|(?:pk|sk)-lf-[A-Za-z0-9-]{8,})/g;
export const REDACTED = '[REDACTED]';

/** The shortest text `SECRET_VALUE` matches: `pk-lf-` and 8 characters. */
const MIN_SECRET_LENGTH = 14;

/**
 * A quick necessary condition for `SECRET_VALUE`: every form it matches contains `k-`, `Bearer`
 * or `dapi`. Searching for three literals costs a third of running the pattern over a long text
 * (prompts, completions, retrieved documents), which then runs only on the few texts that pass.
 */
function mayHoldSecret(text: string): boolean {
  return (
    text.length >= MIN_SECRET_LENGTH &&
    (text.includes('k-') || text.includes('Bearer') || text.includes('dapi'))
  );
}

/** Replaces secret-looking keys' values and secret-looking substrings (API keys, bearer tokens). */
export function scrubSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string')
    return mayHoldSecret(value) && SECRET_VALUE.test(value) ? value.replace(SECRET_VALUE, REDACTED) : value;
  if (value === null || typeof value !== 'object' || depth > 64) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const next = scrubSecrets(value[i], depth + 1);
      if (next !== value[i]) (copy ??= value.slice())[i] = next;
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  const obj = value as Record<string, unknown>;
  // for…in over own keys: no array of keys per object (this runs on every exported span).
  for (const key in obj) {
    if (!Object.hasOwn(obj, key)) continue;
    const next = SECRET_KEY.test(key) && obj[key] != null ? REDACTED : scrubSecrets(obj[key], depth + 1);
    if (next !== obj[key]) (copy ??= { ...obj })[key] = next;
  }
  return copy ?? value;
}

/**
 * Runs built-in scrubbing and the user's hook on a span before it leaves the process. Fails
 * closed: if the hook throws, the span's content is dropped rather than exported unredacted.
 * Works on the export copy of a span (see `buildTraceRecord`), which it may change in place.
 */
export function redactSpan(span: SpanData, scrub: boolean, hook: RedactHook | undefined): SpanData {
  // `span` is a fresh export copy; scrubbing copies a container only where it changes something.
  const out = span;
  if (scrub) {
    out.attributes = scrubSecrets(span.attributes) as Record<string, unknown>;
    if (span.inputs !== undefined) out.inputs = scrubSecrets(span.inputs);
    if (span.outputs !== undefined) out.outputs = scrubSecrets(span.outputs);
    if (span.events.length) out.events = scrubSecrets(span.events) as SpanData['events'];
  }
  if (!hook) return out;
  try {
    const result = hook(out);
    return result ?? out;
  } catch (err) {
    diag.once('error', 'redact-hook', `redact hook threw (${describeError(err)}); span content dropped`);
    return {
      ...out,
      inputs: '[redaction failed]',
      outputs: '[redaction failed]',
      attributes: { 'mlflow.spanType': out.attributes['mlflow.spanType'] },
      events: [],
    };
  }
}
