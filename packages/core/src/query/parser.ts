/**
 * Parser of MLflow's trace filter language (DESIGN §4) and of `orderBy` terms. Errors name the
 * offending token and its 0-based position.
 */
import type {
  FilterCondition,
  FilterField,
  FilterOperator,
  OrderField,
  OrderTerm,
  ParsedFilter,
} from './ast.js';
import { formatField } from './ast.js';
import { type FieldType, fieldType, OPERATORS, resolveField, SPAN_STATES, TRACE_STATES } from './fields.js';
import { InvalidFilterError, showToken } from './filter-error.js';
import { type Token, tokenize } from './tokenizer.js';

/**
 * Parses a filter string into conditions joined by AND. An empty or blank string matches
 * every trace.
 *
 * @throws InvalidFilterError (code `INVALID_FILTER`) naming the bad token and its position.
 * @example
 * parseFilter("metadata.`mlflow.trace.user` = 'u1' AND trace.timestamp_ms > 1700000000000");
 */
export function parseFilter(input: string): ParsedFilter {
  if (typeof input !== 'string') {
    throw new InvalidFilterError(
      0,
      String(input),
      `the filter must be a string, got ${typeof input}.`,
      String(input),
    );
  }
  return new Parser(input, tokenize(input)).parse();
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the filter';
    case 'string':
      return `the string ${t.raw}`;
    case 'number':
      return `the number ${t.raw}`;
    case 'ident':
      return `the unquoted word ${showToken(t.raw)}`;
    default:
      return showToken(t.raw);
  }
}

class Parser {
  private i = 0;
  constructor(
    private readonly input: string,
    private readonly tokens: Token[],
  ) {}

  private get current(): Token {
    return this.tokens[this.i];
  }

  private fail(t: Token, detail: string): never {
    throw new InvalidFilterError(t.position, t.raw, detail, this.input);
  }

  private isKeyword(word: string, t: Token = this.current): boolean {
    return t.kind === 'keyword' && t.text === word;
  }

  parse(): ParsedFilter {
    const conditions: FilterCondition[] = [];
    if (this.current.kind === 'eof') return { conditions };
    for (;;) {
      conditions.push(this.condition());
      const t = this.current;
      if (t.kind === 'eof') return { conditions };
      if (this.isKeyword('OR'))
        this.fail(t, "'OR' is not supported; join conditions with AND (or run one search per alternative).");
      if (!this.isKeyword('AND')) this.fail(t, `expected AND or the end of the filter, got ${describe(t)}.`);
      const next = this.tokens[++this.i];
      if (next.kind === 'eof') this.fail(next, 'expected a condition after AND, got the end of the filter.');
    }
  }

  private condition(): FilterCondition {
    const t = this.current;
    if (t.kind === 'lparen')
      this.fail(
        t,
        "parentheses are not supported; write conditions joined by AND, e.g. trace.status = 'OK' AND tags.env = 'prod'.",
      );
    if (this.isKeyword('OR'))
      this.fail(t, "'OR' is not supported; join conditions with AND (or run one search per alternative).");
    if (t.kind !== 'ident')
      this.fail(t, `expected a field such as trace.status or tags.<key>, got ${describe(t)}.`);
    const field = resolveField(t, this.input);
    this.i++;
    const type = fieldType(field);
    const { op, opToken } = this.operator(field);
    if (!OPERATORS[type].includes(op)) {
      this.fail(opToken, `${formatField(field)} does not support ${op}; use ${listOps(OPERATORS[type])}.`);
    }
    if (op === 'IS NULL' || op === 'IS NOT NULL') return { field, op, value: null, position: t.position };
    if (op === 'IN' || op === 'NOT IN')
      return { field, op, value: this.list(field, type), position: t.position };
    const valueToken = this.current;
    const value = this.value(field, type, op);
    this.i++;
    return { field, op, value: normalise(field, type, value, valueToken, this.input), position: t.position };
  }

  /** Reads the operator (one or more tokens). */
  private operator(field: FilterField): { op: FilterOperator; opToken: Token } {
    const t = this.current;
    if (t.kind === 'op') {
      this.i++;
      if (t.text === '==') this.fail(t, "unknown operator '=='; use =.");
      if (t.text === '<>') this.fail(t, "unknown operator '<>'; use !=.");
      return { op: t.text as FilterOperator, opToken: t };
    }
    if (this.isKeyword('LIKE') || this.isKeyword('ILIKE') || this.isKeyword('IN')) {
      this.i++;
      return { op: t.text as FilterOperator, opToken: t };
    }
    if (this.isKeyword('NOT')) {
      this.i++;
      if (this.isKeyword('IN')) {
        this.i++;
        return { op: 'NOT IN', opToken: t };
      }
      this.fail(
        this.current,
        `expected IN after NOT, got ${describe(this.current)}; NOT is only supported in NOT IN.`,
      );
    }
    if (this.isKeyword('IS')) {
      this.i++;
      const not = this.isKeyword('NOT');
      if (not) this.i++;
      if (!this.isKeyword('NULL'))
        this.fail(this.current, `expected NULL after IS${not ? ' NOT' : ''}, got ${describe(this.current)}.`);
      this.i++;
      return { op: not ? 'IS NOT NULL' : 'IS NULL', opToken: t };
    }
    return this.fail(t, `expected an operator after ${formatField(field)}, got ${describe(t)}.`);
  }

  /** A string or number literal, checked against the field's type. */
  private value(field: FilterField, type: FieldType, op: FilterOperator): string | number {
    const t = this.current;
    const name = formatField(field);
    if (t.kind === 'number') {
      if (type === 'number' || (type === 'assessment' && op !== 'LIKE' && op !== 'ILIKE'))
        return t.number ?? Number(t.raw);
      this.fail(t, `${name} needs a quoted string, got the number ${t.raw}; write '${t.raw}'.`);
    }
    if (t.kind === 'string') {
      if (type === 'number') this.fail(t, `${name} needs a number, got the string ${t.raw}.`);
      if (type === 'assessment' && op !== '=' && op !== '!=' && op !== 'LIKE' && op !== 'ILIKE') {
        this.fail(
          t,
          `${op} on ${name} needs a number, got the string ${t.raw}; strings support =, !=, LIKE and ILIKE.`,
        );
      }
      return t.text;
    }
    if (t.kind === 'ident' || (t.kind === 'keyword' && t.text === 'NULL')) {
      if (type === 'number') this.fail(t, `${name} needs a number, got ${describe(t)}.`);
      this.fail(t, `${name} needs a quoted string, got ${describe(t)}; write '${t.raw}'.`);
    }
    return this.fail(t, `expected a value after ${name} ${op}, got ${describe(t)}.`);
  }

  /** `( 'a', 'b', … )` of quoted strings. */
  private list(field: FilterField, type: FieldType): string[] {
    const open = this.current;
    if (open.kind !== 'lparen') this.fail(open, `expected '(' after IN, got ${describe(open)}.`);
    this.i++;
    const values: string[] = [];
    for (;;) {
      const t = this.current;
      if (t.kind === 'rparen' && values.length === 0) this.fail(t, 'IN needs at least one value.');
      if (t.kind !== 'string') {
        this.fail(t, `expected a quoted string in the IN list of ${formatField(field)}, got ${describe(t)}.`);
      }
      values.push(normalise(field, type, t.text, t, this.input) as string);
      this.i++;
      const sep = this.current;
      this.i++;
      if (sep.kind === 'rparen') return values;
      if (sep.kind !== 'comma') this.fail(sep, `expected ',' or ')' in the IN list, got ${describe(sep)}.`);
    }
  }
}

function listOps(ops: readonly FilterOperator[]): string {
  return ops.length === 1 ? ops[0] : `${ops.slice(0, -1).join(', ')} or ${ops[ops.length - 1]}`;
}

/** Status values are checked and upper-cased; other values pass unchanged. */
function normalise(
  field: FilterField,
  type: FieldType,
  value: string | number,
  t: Token,
  input: string,
): string | number {
  if (typeof value !== 'string' || (type !== 'trace-status' && type !== 'span-status')) return value;
  const allowed: readonly string[] = type === 'trace-status' ? TRACE_STATES : SPAN_STATES;
  const upper = value.toUpperCase().replace(/^STATUS_CODE_/, '');
  if (!allowed.includes(upper)) {
    throw new InvalidFilterError(
      t.position,
      t.raw,
      `${formatField(field)} must be one of ${allowed.join(', ')}; got ${t.raw}.`,
      input,
    );
  }
  return upper;
}

const ORDER_FIELDS: Record<string, OrderField> = {
  timestamp_ms: 'timestamp_ms',
  timestamp: 'timestamp_ms',
  execution_time_ms: 'execution_time_ms',
  execution_time: 'execution_time_ms',
  status: 'status',
  state: 'status',
  name: 'name',
};

/**
 * Parses `orderBy` terms such as `'timestamp_ms DESC'` or `'trace.execution_time_ms'` (ASC
 * when no direction is given).
 *
 * @throws InvalidFilterError (code `INVALID_ARGUMENT`) naming the bad term.
 * @example
 * parseOrderBy(['execution_time_ms DESC', 'timestamp_ms']);
 */
export function parseOrderBy(terms: readonly string[]): OrderTerm[] {
  return terms.map((term) => {
    if (typeof term !== 'string')
      throw new InvalidFilterError(
        0,
        String(term),
        `each orderBy term must be a string, got ${typeof term}.`,
        String(term),
        'orderBy',
      );
    const tokens = tokenize(term, 'orderBy');
    const fail = (t: Token, detail: string): never => {
      throw new InvalidFilterError(t.position, t.raw, detail, term, 'orderBy');
    };
    const [fieldToken, dirToken, extra] = tokens;
    if (fieldToken.kind !== 'ident')
      fail(fieldToken, `expected a field to order by, got ${describe(fieldToken)}.`);
    const segments = fieldToken.segments ?? [];
    const prefixed = segments.length === 2 && ['trace', 'attribute', 'attributes'].includes(segments[0].text);
    const name = prefixed ? segments[1].text : segments.length === 1 ? segments[0].text : fieldToken.raw;
    const field = ORDER_FIELDS[name];
    if (!field)
      fail(
        fieldToken,
        `cannot order by ${showToken(fieldToken.raw)}; use timestamp_ms, execution_time_ms, status or name.`,
      );
    let ascending = true;
    if (dirToken.kind !== 'eof') {
      const dir = dirToken.raw.toUpperCase();
      if (dirToken.kind !== 'ident' || (dir !== 'ASC' && dir !== 'DESC'))
        fail(dirToken, `expected ASC or DESC, got ${describe(dirToken)}.`);
      ascending = dir === 'ASC';
      if (extra.kind !== 'eof') fail(extra, `unexpected ${describe(extra)} after ${dir}.`);
    }
    return { field, ascending };
  });
}
