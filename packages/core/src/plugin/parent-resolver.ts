import { describeError, diag } from '../diag.js';
import type { LiveSpan } from '../live-span.js';

/**
 * Returns the span an integration knows to be current when Autolog's own context cannot know it:
 * for example the span of the LangChain run whose code is executing, read from LangChain's
 * context. Called on span creation when no parent was given; must be cheap and must not throw.
 */
export type ParentResolver = () => LiveSpan | undefined;

const KEY = Symbol.for('autolog.core.parentResolvers');
const g = globalThis as unknown as Record<symbol, ParentResolver[] | undefined>;
// One list per process, shared by every copy of the package.
g[KEY] ??= [];
const resolvers: ParentResolver[] = g[KEY];

/**
 * Registers a parent resolver; returns a function that removes it. Registering the same
 * function twice is a no-op.
 *
 * @example
 * const unregister = registerParentResolver(() => spanOfRun(currentRunId()));
 */
export function registerParentResolver(resolver: ParentResolver): () => void {
  if (!resolvers.includes(resolver)) resolvers.push(resolver);
  return () => {
    const i = resolvers.indexOf(resolver);
    if (i >= 0) resolvers.splice(i, 1);
  };
}

/**
 * The parent of a span started without an explicit parent: the current span of Autolog's context
 * (`frameSpan`), unless a resolver knows a more specific one. A resolved span wins unless the
 * current span lies under it, or belongs to another trace the app started inside it.
 */
export function currentParent(frameSpan: LiveSpan | undefined): LiveSpan | undefined {
  if (resolvers.length === 0) return frameSpan;
  let resolved: LiveSpan | undefined;
  for (let i = 0; i < resolvers.length && !resolved; i++) {
    try {
      const span = resolvers[i]();
      // A non-recording span (its trace sampled out) is kept too: its children are not recorded either.
      if (span && (!span.isRecording || (!span.ended && !span.buffer.finished))) resolved = span;
    } catch (err) {
      diag.once('warn', 'parent-resolver', `a parent resolver failed: ${describeError(err)}`);
    }
  }
  if (!resolved) return frameSpan;
  if (!frameSpan || frameSpan === resolved || frameSpan.ended || !frameSpan.isRecording) return resolved;
  // The app started a span of its own inside the integration's run: keep it.
  if (!resolved.isRecording || resolved.buffer !== frameSpan.buffer) return frameSpan;
  return isDescendant(frameSpan, resolved) ? frameSpan : resolved;
}

/** True when `span` lies under `ancestor` in their (shared) trace. */
function isDescendant(span: LiveSpan, ancestor: LiveSpan): boolean {
  // A span started before another cannot be its descendant: the common case costs one comparison.
  if (span.startTimeNs < ancestor.startTimeNs) return false;
  let parentId = span.parentId;
  for (let depth = 0; parentId && depth < 1000; depth++) {
    if (parentId === ancestor.spanId) return true;
    parentId = span.buffer.findSpan(parentId)?.parentId ?? null;
  }
  return false;
}
