import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFilter } from '../../src/query/ast.js';
import { parseFilter } from '../../src/query/parser.js';
import { searchLocalStore } from '../../src/query/search-local.js';
import { searchRecords } from '../../src/query/search-memory.js';
import { BASE } from './corpus.js';
import { names, type Seeded, seededStore } from './helpers.js';

const str = (values: string[]) => fc.constantFrom(...values).map((v) => `'${v.replace(/'/g, "''")}'`);
const num = (values: number[]) => fc.constantFrom(...values).map(String);
const strOp = fc.constantFrom('=', '!=', 'LIKE', 'ILIKE');
const numOp = fc.constantFrom('=', '!=', '>', '>=', '<', '<=');
const listOf = (values: string[]) =>
  fc
    .uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: 3 })
    .map((vs) => `(${vs.map((v) => `'${v}'`).join(', ')})`);

const NAMES = [
  'chat',
  'rag',
  'batch_job',
  'openai.chat',
  'lookup_order',
  'retrieve',
  'classify',
  'CHAT',
  '%chat%',
  'c_at',
  'ünïcødé%',
];
const SPAN_TYPES = ['CHAIN', 'LLM', 'CHAT_MODEL', 'TOOL', 'RETRIEVER', 'AGENT', 'CLASSIFIER'];

/** One random valid condition over the corpus' fields and values. */
const condition = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('trace.timestamp_ms', 'timestamp'),
      numOp,
      num([0, 1000, 2000, 3000, 6000, 8000, 9000].map((d) => BASE + d)),
    )
    .map((p) => p.join(' ')),
  fc
    .tuple(fc.constant('trace.execution_time_ms'), numOp, num([10, 50, 120, 300, 1000, 2500, 4000]))
    .map((p) => p.join(' ')),
  fc
    .tuple(fc.constant('trace.status'), fc.constantFrom('=', '!='), str(['OK', 'ERROR', 'IN_PROGRESS']))
    .map((p) => p.join(' ')),
  fc
    .tuple(
      fc.constant('trace.status'),
      fc.constantFrom('IN', 'NOT IN'),
      listOf(['OK', 'ERROR', 'IN_PROGRESS']),
    )
    .map((p) => p.join(' ')),
  fc.tuple(fc.constant('trace.name'), strOp, str(NAMES)).map((p) => p.join(' ')),
  fc
    .tuple(
      fc.constant('trace.client_request_id'),
      fc.constantFrom('=', '!=', 'LIKE', 'IN', 'NOT IN'),
      fc.constant(null),
    )
    .chain(([f, op]) =>
      (op === 'IN' || op === 'NOT IN'
        ? listOf(['thread_abc', 'thread_def', 'x'])
        : str(['thread_abc', 'thread_%', 'x'])
      ).map((v) => `${f} ${op} ${v}`),
    ),
  fc
    .tuple(
      fc.constantFrom(
        'tags.query_category',
        'metadata.app_version',
        'metadata.`mlflow.trace.user`',
        'metadata.`mlflow.source.type`',
      ),
      strOp,
      str(['chat', 'support', '1.0.0', '1.1.%', 'user-123', 'user-456', 'production', 'staging', '%']),
    )
    .map((p) => p.join(' ')),
  // Token usage and cost are columns of the trace in the local store, other metadata rows.
  fc
    .tuple(
      fc.constantFrom('metadata.`mlflow.trace.cost`', 'metadata.`mlflow.trace.tokenUsage`'),
      strOp,
      str([
        '{"input_cost":0.0005,"output_cost":0.0005,"total_cost":0.001}',
        '{"input_tokens":40,"output_tokens":10,"total_tokens":50}',
        '%total_cost":0.00%',
        '%"TOTAL_TOKENS":9%',
        '%',
      ]),
    )
    .map((p) => p.join(' ')),
  fc
    .tuple(fc.constant('span.name'), fc.constantFrom('=', '!=', 'LIKE', 'ILIKE'), str(NAMES))
    .map((p) => p.join(' ')),
  fc
    .tuple(fc.constant('span.type'), fc.constantFrom('IN', 'NOT IN'), listOf(SPAN_TYPES))
    .map((p) => p.join(' ')),
  fc.tuple(fc.constant('span.type'), fc.constantFrom('=', '!='), str(SPAN_TYPES)).map((p) => p.join(' ')),
  fc
    .tuple(fc.constant('span.status'), fc.constantFrom('=', '!='), str(['OK', 'ERROR', 'UNSET']))
    .map((p) => p.join(' ')),
  fc
    .tuple(
      fc.constantFrom('feedback.user_satisfaction', 'feedback.topic', 'expectation.expected_response'),
      fc.constantFrom('=', '!=', 'LIKE', 'ILIKE'),
      str(['true', 'false', 'billing', 'BILL%', '%each%']),
    )
    .map((p) => p.join(' ')),
  fc
    .tuple(
      fc.constantFrom('feedback.relevance', 'feedback.llm_evaluation', 'feedback.user_satisfaction'),
      numOp,
      num([0, 0.2, 0.3, 0.5, 0.9, 1]),
    )
    .map((p) => p.join(' ')),
  fc
    .tuple(
      fc.constantFrom('feedback.llm_evaluation', 'feedback.relevance', 'expectation.expected_behavior'),
      fc.constantFrom('IS NULL', 'IS NOT NULL'),
    )
    .map((p) => p.join(' ')),
  fc
    .tuple(
      fc.constant('trace.text'),
      fc.constantFrom('LIKE', 'ILIKE'),
      str(['%mlflow%', '%MLflow%', '%"hi"%', '%order%', '%ånswer%', '%_%']),
    )
    .map((p) => p.join(' ')),
);

const filterString = fc.array(condition, { minLength: 0, maxLength: 3 }).map((cs) => cs.join(' AND '));
const orderBy = fc
  .uniqueArray(fc.constantFrom('timestamp_ms', 'execution_time_ms', 'status', 'name'), {
    minLength: 1,
    maxLength: 2,
  })
  .chain((fields) => fc.tuple(...fields.map((f) => fc.constantFrom(`${f} ASC`, `${f} DESC`))));

describe('the SQL compiler and the in-memory evaluator', () => {
  let seeded: Seeded;
  beforeAll(() => {
    seeded = seededStore();
  });
  afterAll(() => seeded.cleanup());

  it('return the same traces in the same order, page by page, for random filters and orders', () => {
    fc.assert(
      fc.property(filterString, orderBy, fc.integer({ min: 1, max: 4 }), (filter, order, pageSize) => {
        const pages = (
          run: (token?: string) => {
            traces: never[] | import('../../src/types.js').TraceRecord[];
            nextPageToken?: string;
          },
        ) => {
          const out: string[] = [];
          let token: string | undefined;
          do {
            const page = run(token);
            out.push(...names(page.traces));
            token = page.nextPageToken;
          } while (token);
          return out;
        };
        const sql = pages((pageToken) =>
          searchLocalStore(seeded.store, {
            filterString: filter,
            orderBy: order,
            maxResults: pageSize,
            pageToken,
          }),
        );
        const mem = pages((pageToken) =>
          searchRecords(seeded.memory, {
            filterString: filter,
            orderBy: order,
            maxResults: pageSize,
            pageToken,
            experimentIds: ['0'],
          }),
        );
        expect(sql).toEqual(mem);
        expect(sql).toEqual(
          names(
            searchLocalStore(seeded.store, { filterString: filter, orderBy: order, maxResults: 500 }).traces,
          ),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('formats any parsed filter back to a string that parses to the same conditions', () => {
    fc.assert(
      fc.property(filterString, (filter) => {
        const parsed = parseFilter(filter);
        const strip = (f: typeof parsed) => f.conditions.map(({ position: _p, ...rest }) => rest);
        expect(strip(parseFilter(formatFilter(parsed)))).toEqual(strip(parsed));
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips arbitrary keys and values through formatFilter and parseFilter', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, unit: 'grapheme' }),
        fc.string({ unit: 'grapheme' }),
        (key, value) => {
          const conditions = [
            { field: { entity: 'tag' as const, key }, op: '=' as const, value, position: 0 },
          ];
          const back = parseFilter(formatFilter({ conditions })).conditions[0];
          expect(back.field).toEqual({ entity: 'tag', key });
          expect(back.value).toBe(value);
        },
      ),
      { numRuns: 300 },
    );
  });
});
