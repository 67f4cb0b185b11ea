import type { LiveSpan } from '../live-span.js';
import { type CreateSpanOptions, createSpan, NOOP_SPAN } from '../tracer.js';

/** A frame with nothing in it: the span takes no metadata, tags or on/off switch from the caller's context. */
const NO_FRAME = Object.freeze({});

/**
 * Starts a child of `parent` that takes nothing from the async context it is called in — for
 * integrations that add spans to a trace from whichever callback observes the work (a poll, a
 * stream event), where that context may belong to another user's request. Not recorded when
 * `parent` is not, or when its trace was already exported (never a new trace).
 *
 * @example
 * const step = startChildSpan(runSpan, { name: 'file_search', spanType: 'RETRIEVER', startTimeNs });
 * step.end({ outputs: documents, endTimeNs });
 */
export function startChildSpan(parent: LiveSpan, options: Omit<CreateSpanOptions, 'parent'>): LiveSpan {
  if (!parent.isRecording || parent.buffer.finished) return NOOP_SPAN;
  return createSpan({ ...options, parent }, NO_FRAME);
}
