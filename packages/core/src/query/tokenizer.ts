/**
 * Tokenizer of the filter language. Every token keeps its 0-based position so errors can
 * point at it. Strings are decoded here (both quote styles; a doubled quote or a backslash
 * before a quote or backslash escapes it); identifiers are split into dotted segments, each
 * bare, in backticks, or (after a dot) in quotes.
 */
import { InvalidFilterError, showToken } from './filter-error.js';

export type TokenKind =
  | 'ident'
  | 'string'
  | 'number'
  | 'op'
  | 'keyword'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'eof';

export interface IdentSegment {
  /** Decoded text (without backticks or quotes). */
  readonly text: string;
  readonly quoted: boolean;
  readonly position: number;
}

export interface Token {
  readonly kind: TokenKind;
  /** The token as written. */
  readonly raw: string;
  /** 0-based offset in the input. */
  readonly position: number;
  /** Decoded string, upper-cased keyword, operator, or identifier text. */
  readonly text: string;
  readonly number?: number;
  readonly segments?: readonly IdentSegment[];
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'LIKE', 'ILIKE', 'IS', 'NULL']);
const OPERATORS = ['!=', '<>', '>=', '<=', '==', '=', '<', '>'];
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const FIRST_SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*/;
const NEXT_SEGMENT = /^[A-Za-z0-9_]+/;
const WORD_CHAR = /[A-Za-z0-9_]/;

/** Splits `input` into tokens, ending with an `eof` token. */
export function tokenize(input: string, what: 'filter' | 'orderBy' = 'filter'): Token[] {
  const fail = (position: number, token: string, detail: string): never => {
    throw new InvalidFilterError(position, token, detail, input, what);
  };
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    const rest = input.slice(i);
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({
        kind: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma',
        raw: c,
        text: c,
        position: i,
      });
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (op) {
      tokens.push({ kind: 'op', raw: op, text: op, position: i });
      i += op.length;
      continue;
    }
    if (c === "'" || c === '"') {
      const { text, end } = readQuoted(input, i, fail);
      tokens.push({ kind: 'string', raw: input.slice(start, end), text, position: start });
      i = end;
      continue;
    }
    const num = NUMBER.exec(rest);
    if (num && (c !== '-' || num[0].length > 1)) {
      const end = i + num[0].length;
      if (end < input.length && WORD_CHAR.test(input[end])) {
        const word = /^[A-Za-z0-9_.]+/.exec(rest)?.[0] ?? num[0];
        fail(start, word, `${showToken(word)} is not a number or a field name.`);
      }
      tokens.push({ kind: 'number', raw: num[0], text: num[0], number: Number(num[0]), position: start });
      i = end;
      continue;
    }
    if (c === '`' || FIRST_SEGMENT.test(rest)) {
      const { segments, end } = readIdentifier(input, i, fail);
      const raw = input.slice(start, end);
      const upper = raw.toUpperCase();
      if (segments.length === 1 && !segments[0].quoted && KEYWORDS.has(upper)) {
        tokens.push({ kind: 'keyword', raw, text: upper, position: start });
      } else {
        tokens.push({
          kind: 'ident',
          raw,
          text: segments.map((s) => s.text).join('.'),
          position: start,
          segments,
        });
      }
      i = end;
      continue;
    }
    const char = String.fromCodePoint(input.codePointAt(i) ?? 0);
    const prev = tokens[tokens.length - 1];
    if (
      prev?.kind === 'ident' &&
      prev.position + prev.raw.length === i &&
      prev.segments &&
      prev.segments.length > 1
    ) {
      const word = /^\S*/.exec(input.slice(prev.segments[1].position))?.[0] ?? '';
      fail(
        i,
        char,
        `unexpected character ${showToken(char)} in the key ${showToken(word)}; put keys with other characters in backticks, e.g. ${prev.segments[0].text}.\`${word}\`.`,
      );
    }
    fail(i, char, `unexpected character ${showToken(char)}.`);
  }
  tokens.push({ kind: 'eof', raw: '', text: '', position: input.length });
  return tokens;
}

type Fail = (position: number, token: string, detail: string) => never;

/** Reads a quoted string starting at `start` (the quote); returns the decoded text and the end. */
function readQuoted(input: string, start: number, fail: Fail): { text: string; end: number } {
  const quote = input[start];
  let out = '';
  let i = start + 1;
  while (i < input.length) {
    const c = input[i];
    if (c === '\\' && (input[i + 1] === quote || input[i + 1] === '\\')) {
      out += input[i + 1];
      i += 2;
    } else if (c === quote && input[i + 1] === quote) {
      out += quote;
      i += 2;
    } else if (c === quote) {
      return { text: out, end: i + 1 };
    } else {
      out += c;
      i++;
    }
  }
  return fail(
    start,
    input.slice(start, start + 20),
    `unterminated string starting with ${quote}; close it with a matching ${quote}.`,
  );
}

/** Reads a backtick-quoted segment starting at `start`; a doubled backtick is a literal one. */
function readBackticked(input: string, start: number, fail: Fail): { text: string; end: number } {
  let out = '';
  let i = start + 1;
  while (i < input.length) {
    if (input[i] === '`' && input[i + 1] === '`') {
      out += '`';
      i += 2;
    } else if (input[i] === '`') {
      return { text: out, end: i + 1 };
    } else {
      out += input[i++];
    }
  }
  return fail(start, input.slice(start, start + 20), 'unterminated backtick-quoted key; close it with `.');
}

function readIdentifier(input: string, start: number, fail: Fail): { segments: IdentSegment[]; end: number } {
  const segments: IdentSegment[] = [];
  let i = start;
  for (;;) {
    const c = input[i];
    const first = segments.length === 0;
    if (c === '`') {
      const { text, end } = readBackticked(input, i, fail);
      segments.push({ text, quoted: true, position: i });
      i = end;
    } else if (!first && (c === "'" || c === '"')) {
      const { text, end } = readQuoted(input, i, fail);
      segments.push({ text, quoted: true, position: i });
      i = end;
    } else {
      const m = (first ? FIRST_SEGMENT : NEXT_SEGMENT).exec(input.slice(i));
      if (!m) {
        const prefix = input.slice(start, i);
        const shown = c === undefined ? 'the end of the filter' : showToken(c);
        return fail(
          i,
          c ?? '',
          `expected a key after ${showToken(prefix)}, got ${shown}; put keys with other characters in backticks.`,
        );
      }
      segments.push({ text: m[0], quoted: false, position: i });
      i += m[0].length;
    }
    if (input[i] !== '.') return { segments, end: i };
    i++;
  }
}
