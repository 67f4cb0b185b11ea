import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutologError } from '../../src/errors.js';
import { InvalidFilterError } from '../../src/query/filter-error.js';
import { searchLocalStore } from '../../src/query/search-local.js';
import { searchRecords } from '../../src/query/search-memory.js';
import { BASE, HOSTILE_KEY, HOSTILE_VALUE, ID, type Name, UNICODE_NAME } from './corpus.js';
import { fingerprintStore, names, type Seeded, seededStore } from './helpers.js';

const ALL: Name[] = ['t8', 't7', 't6', 't5', 't4', 't3', 't2', 't1'];
const esc = (s: string) => s.replace(/'/g, "''");

/** Valid filters with the exact traces they return, newest first (t7 ties t6 and was written later). */
const VALID: Array<[string, Name[]]> = [
  ['', ALL],
  ['   ', ALL],
  ["metadata.`mlflow.trace.user` = 'user-123'", ['t8', 't2', 't1']],
  ["metadata.mlflow.trace.user = 'user-123'", ['t8', 't2', 't1']],
  ['metadata.`mlflow.trace.session` = "session-abc-0"', ['t2', 't1']],
  ["request_metadata.`mlflow.trace.session` = 'session-def-0'", ['t4', 't3']],
  [`trace.timestamp_ms > ${BASE + 3000}`, ['t8', 't7', 't6', 't5', 't4']],
  [`timestamp_ms >= ${BASE + 3000} AND timestamp < ${BASE + 6000}`, ['t5', 't4', 't3']],
  [`timestamp = ${BASE + 6000}`, ['t7', 't6']],
  [`metadata.\`mlflow.trace.user\` = 'user-123' and trace.timestamp_ms > ${BASE + 1000}`, ['t8', 't2']],
  ['trace.execution_time_ms > 1000', ['t6', 't2']],
  ['execution_time_ms <= 120', ['t7', 't5', 't1']],
  ['trace.execution_time_ms != 300', ['t8', 't7', 't6', 't5', 't3', 't2', 't1']],
  ["trace.status = 'ERROR'", ['t6', 't2']],
  ["status != 'OK'", ['t7', 't6', 't2']],
  ["trace.status IN ('ERROR', 'IN_PROGRESS')", ['t7', 't6', 't2']],
  ["attributes.status NOT IN ('OK')", ['t7', 't6', 't2']],
  ["trace.state = 'in_progress'", ['t7']],
  ["trace.name = 'chat'", ['t8', 't4', 't2', 't1']],
  ["name LIKE 'batch%'", ['t7', 't6']],
  ["trace.name ILIKE 'CHA_'", ['t8', 't4', 't2', 't1']],
  ["trace.name LIKE 'CHAT'", []],
  [`trace.name = '${UNICODE_NAME}'`, ['t5']],
  ["trace.name ILIKE 'ÜNÏCØDÉ%'", ['t5']],
  ["trace.client_request_id = 'thread_abc'", ['t1']],
  ["trace.client_request_id IN ('thread_abc', 'thread_ghi', 'nope')", ['t8', 't1']],
  ["trace.client_request_id NOT IN ('thread_abc')", ['t8', 't2']],
  ["trace.client_request_id LIKE 'thread_%'", ['t8', 't2', 't1']],
  [`trace.trace_id = '${ID.t3}'`, ['t3']],
  [`request_id IN ('${ID.t3}', '${ID.t5}', '${ID.other}')`, ['t5', 't3']],
  ["tags.query_category = 'chat'", ['t8', 't4', 't3', 't1']],
  ["tag.query_category != 'chat'", ['t2']],
  ["tags.`team name` = 'α support'", ['t5']],
  ["tags.`mlflow.traceName` = 'rag'", ['t3']],
  ["metadata.app_version = '1.1.0' AND metadata.`mlflow.source.type` = 'production'", ['t5', 't4', 't3']],
  ["metadata.app_version LIKE '1.0.%'", ['t7', 't6', 't2', 't1']],
  ["span.type = 'RETRIEVER'", ['t3']],
  ["span.name = 'openai.chat' AND span.type = 'LLM'", ['t2']],
  ["span.name = 'lookup_order' AND span.status = 'OK'", []],
  ["span.name = 'lookup_order' AND span.status = 'ERROR'", ['t2']],
  ["span.status = 'ERROR'", ['t6', 't2']],
  ["span.status = 'UNSET'", ['t7']],
  ["span.type IN ('CLASSIFIER', 'TOOL')", ['t6', 't2']],
  ["span.type NOT IN ('CHAIN', 'CHAT_MODEL')", ['t7', 't6', 't3', 't2']],
  ["span.name LIKE 'openai.%' AND span.type != 'CHAT_MODEL'", ['t2']],
  ["feedback.user_satisfaction = 'true'", ['t3']],
  ["feedback.user_satisfaction = 'false'", ['t4', 't2']],
  ['feedback.relevance > 0.5', ['t3']],
  ['feedback.relevance <= 0.5', ['t2']],
  ["feedback.relevance = '0.9'", ['t3']],
  ['feedback.llm_evaluation IS NOT NULL', ['t3']],
  ['feedback.llm_evaluation IS NULL', ['t8', 't7', 't6', 't5', 't4', 't2', 't1']],
  ["feedback.topic ILIKE 'BILL%'", ['t7']],
  ["feedback.user_satisfaction = 'false' AND feedback.relevance < 0.5", ['t2']],
  ['expectation.expected_behavior IS NOT NULL', ['t3']],
  ["expectation.expected_response = 'Tracing records each request.'", ['t8']],
  [`expectation.expected_behavior LIKE '%"tone":"professional_friendly"%'`, ['t3']],
  ["trace.text LIKE '%open-source%'", ['t1']],
  ["trace.text ILIKE '%mlflow%'", ['t8', 't1']],
  [`trace.text LIKE '%say "hi"%'`, ['t5']],
  ["text ILIKE '%ånswer%'", ['t5']],
  ["trace.text LIKE '%lookup_order%' AND trace.status = 'ERROR'", ['t2']],
];

/** Valid filters whose values and keys are hostile: they are data, matching only what holds them. */
const HOSTILE: Array<[string, Name[]]> = [
  [`metadata.\`${HOSTILE_KEY}\` = '${esc(HOSTILE_VALUE)}'`, ['t5']],
  [`tags.\`${HOSTILE_KEY}\` LIKE '%DELETE FROM spans%'`, ['t5']],
  ["trace.name = 'Robert''); DROP TABLE traces;--'", []],
  ["tags.`; DELETE FROM traces; --` = 'x'", []],
  [`metadata.\`mlflow.trace.user\` = '" OR 1=1 --'`, []],
  ["metadata.`mlflow.trace.user` = 'user-☃'", ['t5']],
  ["trace.text LIKE '%-- leave; DROP TABLE spans%'", ['t5']],
  ["trace.client_request_id IN ('a'' OR ''1''=''1', ')', '/*', '*/')", []],
  ["trace.name LIKE '%*%' AND trace.name LIKE '%[%'", []],
  ["tags.`x`` ; --` = '\\'; SELECT 1; --'", []],
];

/** Filters MLflow rejects, with the exact message (position is 0-based). */
const INVALID: Array<[string, string]> = [
  [
    "trace.status = 'OK' OR trace.status = 'ERROR'",
    "Invalid filter at position 20: 'OR' is not supported; join conditions with AND (or run one search per alternative).",
  ],
  [
    "foo.bar = 'x'",
    "Invalid filter at position 0: unknown entity 'foo' in 'foo.bar'; expected trace.<attribute>, tags.<key>, metadata.<key>, span.<field>, feedback.<name> or expectation.<name>.",
  ],
  [
    "trace.foo = 'x'",
    "Invalid filter at position 6: unknown trace attribute 'foo'; expected one of timestamp_ms, execution_time_ms, status, name, client_request_id, trace_id, text.",
  ],
  [
    "user = 'x'",
    "Invalid filter at position 0: unknown field 'user'; expected trace.<attribute>, tags.<key>, metadata.<key>, span.<field>, feedback.<name> or expectation.<name>.",
  ],
  [
    "span.kind = 'LLM'",
    "Invalid filter at position 5: unknown span field 'kind'; expected name, type or status.",
  ],
  [
    'trace.name = chat',
    "Invalid filter at position 13: trace.name needs a quoted string, got the unquoted word 'chat'; write 'chat'.",
  ],
  [
    "tags.env < 'prod'",
    'Invalid filter at position 9: tags.env does not support <; use =, !=, LIKE or ILIKE.',
  ],
  [
    'trace.name = 5',
    "Invalid filter at position 13: trace.name needs a quoted string, got the number 5; write '5'.",
  ],
  [
    "timestamp_ms > '2024-01-01'",
    "Invalid filter at position 15: trace.timestamp_ms needs a number, got the string '2024-01-01'.",
  ],
  [
    "trace.status = 'DONE'",
    "Invalid filter at position 15: trace.status must be one of OK, ERROR, IN_PROGRESS; got 'DONE'.",
  ],
  ["tags = 'x'", "Invalid filter at position 0: 'tags' needs a key, e.g. tags.`my.key`."],
  [
    "metadata.user = 'a' AND",
    'Invalid filter at position 23: expected a condition after AND, got the end of the filter.',
  ],
  ["trace.name = 'x'; DROP TABLE traces; --", "Invalid filter at position 16: unexpected character ';'."],
  [
    "trace.name = 'unterminated",
    "Invalid filter at position 13: unterminated string starting with '; close it with a matching '.",
  ],
  [
    "(trace.status = 'OK')",
    "Invalid filter at position 0: parentheses are not supported; write conditions joined by AND, e.g. trace.status = 'OK' AND tags.env = 'prod'.",
  ],
  ['trace.status IN ()', 'Invalid filter at position 17: IN needs at least one value.'],
  [
    "tags.env IN ('a')",
    'Invalid filter at position 9: tags.env does not support IN; use =, !=, LIKE or ILIKE.',
  ],
  [
    'trace.status IS NULL',
    'Invalid filter at position 13: trace.status does not support IS NULL; use =, !=, IN or NOT IN.',
  ],
  [
    "feedback.score > 'high'",
    "Invalid filter at position 17: > on feedback.score needs a number, got the string 'high'; strings support =, !=, LIKE and ILIKE.",
  ],
  [
    "trace.text = 'refund'",
    'Invalid filter at position 11: trace.text does not support =; use LIKE or ILIKE.',
  ],
  ['trace.timestamp_ms == 5', "Invalid filter at position 19: unknown operator '=='; use =."],
  [
    "tags.a-b = 'x'",
    "Invalid filter at position 6: unexpected character '-' in the key 'a-b'; put keys with other characters in backticks, e.g. tags.`a-b`.",
  ],
  [
    "trace.name NOT LIKE 'x'",
    "Invalid filter at position 15: expected IN after NOT, got 'LIKE'; NOT is only supported in NOT IN.",
  ],
  [
    "metadata.`unclosed = 'x'",
    'Invalid filter at position 9: unterminated backtick-quoted key; close it with `.',
  ],
  [
    "trace.status = 'OK' trace.name = 'x'",
    "Invalid filter at position 20: expected AND or the end of the filter, got the unquoted word 'trace.name'.",
  ],
  [
    "span.status IN ('OK', 'BROKEN')",
    "Invalid filter at position 22: span.status must be one of UNSET, OK, ERROR; got 'BROKEN'.",
  ],
  [
    'feedback.x = true',
    "Invalid filter at position 13: feedback.x needs a quoted string, got the unquoted word 'true'; write 'true'.",
  ],
];

describe('searchTraces filter table over the local store', () => {
  let seeded: Seeded;
  let before: Record<string, unknown>;
  beforeAll(() => {
    seeded = seededStore();
    before = fingerprintStore(seeded.store);
  });
  afterAll(() => seeded.cleanup());

  const local = (filterString: string) => names(searchLocalStore(seeded.store, { filterString }).traces);
  const memory = (filterString: string) =>
    names(searchRecords(seeded.memory, { filterString, experimentIds: ['0'] }).traces);

  it('holds at least 40 valid, 10 hostile and 20 invalid filters', () => {
    expect(VALID.length).toBeGreaterThanOrEqual(40);
    expect(HOSTILE.length).toBeGreaterThanOrEqual(10);
    expect(INVALID.length).toBeGreaterThanOrEqual(20);
  });

  it.each(VALID)('returns exactly the expected traces in order for %s', (filter, expected) => {
    expect(local(filter)).toEqual(expected);
    expect(memory(filter)).toEqual(expected);
  });

  it.each(HOSTILE)('treats hostile text as data in %s', (filter, expected) => {
    expect(local(filter)).toEqual(expected);
    expect(memory(filter)).toEqual(expected);
  });

  it('leaves every table, the schema and the integrity check unchanged after the hostile filters', () => {
    for (const [filter] of HOSTILE) local(filter);
    expect(fingerprintStore(seeded.store)).toEqual(before);
    expect(before.integrity).toBe('ok');
    expect(before.traces).toBe(9);
  });

  it.each(INVALID)('rejects %s naming the token and its position', (filter, message) => {
    for (const run of [local, memory]) {
      let error: unknown;
      try {
        run(filter);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(InvalidFilterError);
      expect(error).toBeInstanceOf(AutologError);
      expect((error as AutologError).code).toBe('INVALID_FILTER');
      expect((error as Error).message).toBe(message);
      expect((error as InvalidFilterError).position).toBe(Number(/position (\d+)/.exec(message)?.[1]));
    }
  });
});
