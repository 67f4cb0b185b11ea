/**
 * The identifiers of the filter language: entity prefixes and their aliases, trace attributes,
 * span fields, and which operators and values each accepts.
 */
import type { FilterField, FilterOperator, SpanField, TraceAttribute } from './ast.js';
import { InvalidFilterError, showToken } from './filter-error.js';
import type { Token } from './tokenizer.js';

/** Entity prefixes and the entity they mean (MLflow's aliases included). */
const ENTITIES: Record<string, FilterField['entity']> = {
  trace: 'trace',
  attribute: 'trace',
  attributes: 'trace',
  tag: 'tag',
  tags: 'tag',
  metadata: 'metadata',
  request_metadata: 'metadata',
  span: 'span',
  feedback: 'feedback',
  expectation: 'expectation',
};

/** Trace attribute names and aliases → canonical attribute. */
const ATTRIBUTES: Record<string, TraceAttribute> = {
  timestamp_ms: 'timestamp_ms',
  timestamp: 'timestamp_ms',
  execution_time_ms: 'execution_time_ms',
  execution_time: 'execution_time_ms',
  status: 'status',
  state: 'status',
  name: 'name',
  client_request_id: 'client_request_id',
  trace_id: 'trace_id',
  request_id: 'trace_id',
  text: 'text',
};

const SPAN_FIELDS: readonly SpanField[] = ['name', 'type', 'status'];

export const TRACE_STATES = ['OK', 'ERROR', 'IN_PROGRESS'] as const;
export const SPAN_STATES = ['UNSET', 'OK', 'ERROR'] as const;

/** The kind of value a field holds, which decides its operators. */
export type FieldType =
  | 'number'
  | 'string'
  | 'id'
  | 'trace-status'
  | 'span-string'
  | 'span-status'
  | 'assessment'
  | 'text';

export function fieldType(field: FilterField): FieldType {
  switch (field.entity) {
    case 'trace':
      if (field.key === 'timestamp_ms' || field.key === 'execution_time_ms') return 'number';
      if (field.key === 'status') return 'trace-status';
      if (field.key === 'trace_id' || field.key === 'client_request_id') return 'id';
      if (field.key === 'text') return 'text';
      return 'string';
    case 'span':
      return field.key === 'status' ? 'span-status' : 'span-string';
    case 'feedback':
    case 'expectation':
      return 'assessment';
    default:
      return 'string';
  }
}

const NUMERIC_OPS: readonly FilterOperator[] = ['=', '!=', '>', '>=', '<', '<='];
const STRING_OPS: readonly FilterOperator[] = ['=', '!=', 'LIKE', 'ILIKE'];
const LIST_OPS: readonly FilterOperator[] = ['IN', 'NOT IN'];

/** Operators each field type accepts. */
export const OPERATORS: Record<FieldType, readonly FilterOperator[]> = {
  number: NUMERIC_OPS,
  string: STRING_OPS,
  id: [...STRING_OPS, ...LIST_OPS],
  'trace-status': ['=', '!=', ...LIST_OPS],
  'span-string': [...STRING_OPS, ...LIST_OPS],
  'span-status': ['=', '!=', ...LIST_OPS],
  assessment: [...NUMERIC_OPS, 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'],
  text: ['LIKE', 'ILIKE'],
};

const EXAMPLE_KEYS: Record<FilterField['entity'], string> = {
  trace: 'status',
  tag: '`my.key`',
  metadata: '`mlflow.trace.user`',
  span: 'name',
  feedback: 'user_satisfaction',
  expectation: 'expected_response',
};

const ENTITY_HINT =
  'expected trace.<attribute>, tags.<key>, metadata.<key>, span.<field>, feedback.<name> or expectation.<name>';
const ATTRIBUTE_HINT = 'timestamp_ms, execution_time_ms, status, name, client_request_id, trace_id, text';

/** Resolves an identifier token to a field, or fails naming the bad part. */
export function resolveField(token: Token, input: string): FilterField {
  const segments = token.segments ?? [];
  const fail = (position: number, bad: string, detail: string): never => {
    throw new InvalidFilterError(position, bad, detail, input);
  };
  const [head, ...rest] = segments;
  if (rest.length === 0) {
    const entity = ENTITIES[head.text];
    if (entity && !head.quoted) {
      fail(
        token.position,
        head.text,
        `${showToken(head.text)} needs a key, e.g. ${head.text}.${EXAMPLE_KEYS[entity]}.`,
      );
    }
    const attribute = ATTRIBUTES[head.text];
    if (!attribute)
      return fail(token.position, token.raw, `unknown field ${showToken(token.raw)}; ${ENTITY_HINT}.`);
    return { entity: 'trace', key: attribute };
  }
  const entity = ENTITIES[head.text];
  if (!entity) {
    return fail(
      token.position,
      head.text,
      `unknown entity ${showToken(head.text)} in ${showToken(token.raw)}; ${ENTITY_HINT}.`,
    );
  }
  const keyPosition = rest[0].position;
  const key = rest.map((s) => s.text).join('.');
  if (entity === 'trace') {
    const attribute = rest.length === 1 ? ATTRIBUTES[key] : undefined;
    if (!attribute)
      return fail(
        keyPosition,
        key,
        `unknown trace attribute ${showToken(key)}; expected one of ${ATTRIBUTE_HINT}.`,
      );
    return { entity, key: attribute };
  }
  if (entity === 'span') {
    const spanField = SPAN_FIELDS.find((f) => f === key);
    if (!spanField)
      return fail(keyPosition, key, `unknown span field ${showToken(key)}; expected name, type or status.`);
    return { entity, key: spanField };
  }
  if (key === '') fail(keyPosition, key, `empty key after ${showToken(head.text)}.`);
  return { entity, key };
}
