/**
 * Parameter names of a function, read once from its source so traced calls can record
 * `{ name: value }` inputs. Destructured parameters get positional names (`arg0`); a rest
 * parameter is marked so it collects the remaining arguments.
 */
export interface ParamInfo {
  names: string[];
  restIndex: number;
}

const cache = new WeakMap<Function, ParamInfo>();

export function paramNames(fn: Function): ParamInfo {
  let info = cache.get(fn);
  if (!info) {
    info = parse(fn);
    cache.set(fn, info);
  }
  return info;
}

function parse(fn: Function): ParamInfo {
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    return { names: [], restIndex: -1 };
  }
  source = source
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, ' ')
    .trimStart();
  const arrow = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source);
  if (arrow) return { names: [arrow[1]], restIndex: -1 };
  const open = source.indexOf('(');
  if (open < 0) return { names: [], restIndex: -1 };
  const params = splitTopLevel(source, open + 1);
  const names: string[] = [];
  let restIndex = -1;
  params.forEach((raw, i) => {
    let p = raw.trim();
    if (!p) return;
    const eq = topLevelIndexOf(p, '=');
    if (eq >= 0) p = p.slice(0, eq).trim();
    if (p.startsWith('...')) {
      restIndex = i;
      p = p.slice(3).trim();
    }
    names.push(/^[A-Za-z_$][\w$]*$/.test(p) ? p : `arg${i}`);
  });
  return { names, restIndex };
}

/** Splits the parameter list starting at `start` (just after '(') on top-level commas. */
function splitTopLevel(source: string, start: number): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  let quote: string | null = null;
  for (let i = start; i < source.length; i++) {
    const c = source[i];
    if (quote) {
      current += c;
      if (c === '\\') current += source[++i] ?? '';
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) {
        parts.push(current);
        return parts;
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  return parts;
}

function topLevelIndexOf(text: string, char: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === char && depth === 0 && text[i + 1] !== '>') return i;
  }
  return -1;
}

/** `{ name: value }` for a call's arguments. */
export function namedInputs(info: ParamInfo, args: readonly unknown[]): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  const { names, restIndex } = info;
  const fixed = restIndex >= 0 ? restIndex : names.length;
  for (let i = 0; i < args.length; i++) {
    if (i < fixed) inputs[names[i] ?? `arg${i}`] = args[i];
    else if (restIndex >= 0) {
      inputs[names[restIndex]] = args.slice(restIndex);
      break;
    } else inputs[`arg${i}`] = args[i];
  }
  return inputs;
}
