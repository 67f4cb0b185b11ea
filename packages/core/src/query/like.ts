/**
 * LIKE / ILIKE patterns (`%` any run of characters, `_` exactly one; no escape character, as in
 * MLflow). LIKE is case-sensitive; ILIKE ignores case, Unicode included. The SQL compiler runs
 * LIKE as SQLite `GLOB` (case-sensitive, index-friendly) and ILIKE through a registered
 * function; the in-memory evaluator uses the same regular expressions, so both agree.
 */

/** A LIKE pattern as a SQLite GLOB pattern (GLOB's own wildcards are bracketed as literals). */
export function likeToGlob(pattern: string): string {
  let out = '';
  for (const c of pattern) {
    if (c === '%') out += '*';
    else if (c === '_') out += '?';
    else if (c === '*' || c === '?' || c === '[') out += `[${c}]`;
    else out += c;
  }
  return out;
}

const cache = new Map<string, RegExp>();

/** A LIKE pattern as an anchored regular expression (one `_` is one Unicode code point). */
export function likeToRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const cacheKey = `${ignoreCase ? 'i' : 's'}:${pattern}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  let source = '^';
  for (const c of pattern) {
    if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else source += c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  }
  const re = new RegExp(`${source}$`, ignoreCase ? 'isu' : 'su');
  if (cache.size > 500) cache.clear();
  cache.set(cacheKey, re);
  return re;
}

/** Whether `value` matches the LIKE (or, with `ignoreCase`, ILIKE) pattern. */
export function likeMatches(value: string, pattern: string, ignoreCase: boolean): boolean {
  return likeToRegExp(pattern, ignoreCase).test(value);
}

/**
 * Rewrites the literal parts of a pattern as they appear inside a JSON string, so a pattern
 * over text matches the JSON a span is stored as (`say "hi"` → `say \"hi\"`).
 */
export function likeInJson(pattern: string): string {
  return pattern
    .split(/([%_])/)
    .map((part) => (part === '%' || part === '_' ? part : JSON.stringify(part).slice(1, -1)))
    .join('');
}
