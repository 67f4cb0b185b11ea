import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseFilter } from '../../src/query/parser.js';
import { chooseDriver, searchLocalStore } from '../../src/query/search-local.js';
import { searchRecords } from '../../src/query/search-memory.js';
import type { TraceRecord } from '../../src/types.js';
import { corpus, ID, type Name } from './corpus.js';
import { names, type Seeded, seededStore } from './helpers.js';

const ORDERS: Array<[string[], Name[]]> = [
  [['timestamp_ms DESC'], ['t8', 't7', 't6', 't5', 't4', 't3', 't2', 't1']],
  [['timestamp_ms ASC'], ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8']],
  [['trace.timestamp_ms'], ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8']],
  [['execution_time_ms DESC'], ['t6', 't2', 't8', 't3', 't4', 't1', 't5', 't7']],
  [
    ['status ASC', 'timestamp_ms DESC'],
    ['t6', 't2', 't7', 't8', 't5', 't4', 't3', 't1'],
  ],
  [
    ['name ASC', 'execution_time_ms DESC'],
    ['t6', 't7', 't2', 't8', 't4', 't1', 't3', 't5'],
  ],
  [
    ['name DESC', 'timestamp ASC'],
    ['t5', 't3', 't1', 't2', 't4', 't8', 't6', 't7'],
  ],
];

describe('searchTraces over the local store', () => {
  let seeded: Seeded;
  beforeEach(() => {
    seeded = seededStore();
  });
  afterEach(() => seeded.cleanup());
  const search = (options: Parameters<typeof searchLocalStore>[1]) => searchLocalStore(seeded.store, options);

  it.each(ORDERS)('orders by %j, ties broken by write order', (orderBy, expected) => {
    expect(names(search({ orderBy }).traces)).toEqual(expected);
    expect(names(searchRecords(seeded.memory, { orderBy, experimentIds: ['0'] }).traces)).toEqual(expected);
  });

  it.each(ORDERS)(
    'pages through %j three at a time with the same order and no repeats',
    (orderBy, expected) => {
      for (const run of [
        search,
        (o: Parameters<typeof search>[0]) => searchRecords(seeded.memory, { ...o, experimentIds: ['0'] }),
      ]) {
        const seen: string[] = [];
        let pageToken: string | undefined;
        let pages = 0;
        do {
          const page = run({ orderBy, maxResults: 3, pageToken });
          seen.push(...names(page.traces));
          pageToken = page.nextPageToken;
          pages++;
        } while (pageToken);
        expect(seen).toEqual(expected);
        expect(pages).toBe(3);
      }
    },
  );

  it('keeps later pages stable when newer traces arrive between pages', () => {
    const first = search({ maxResults: 3 });
    expect(names(first.traces)).toEqual(['t8', 't7', 't6']);
    const newer = corpus()[0];
    newer.info.traceId = 'tr-0000000000000000000000000000abcd';
    newer.info.requestTime += 100_000;
    seeded.store.export([newer]);
    const second = search({ maxResults: 3, pageToken: first.nextPageToken });
    expect(names(second.traces)).toEqual(['t5', 't4', 't3']);
  });

  it('returns no nextPageToken when the page holds the last match', () => {
    const page = search({ filterString: "trace.status = 'ERROR'", maxResults: 2 });
    expect(names(page.traces)).toEqual(['t6', 't2']);
    expect(page.nextPageToken).toBeUndefined();
  });

  it('rejects a page token from another search or a made-up one', () => {
    const { nextPageToken } = search({ maxResults: 2 });
    expect(() => search({ maxResults: 2, orderBy: ['name'], pageToken: nextPageToken })).toThrow(
      'pageToken belongs to a different search: the experiments, filterString or orderBy changed since it was issued; start again without a pageToken.',
    );
    expect(() => search({ pageToken: 'not-a-token' })).toThrow(
      'pageToken "not-a-token" is not a valid page token; pass the nextPageToken of a previous searchTraces call unchanged.',
    );
  });

  it('caps maxResults at 500 with a clear error above it', () => {
    expect(search({ maxResults: 500 }).traces).toHaveLength(8);
    for (const bad of [501, 0, 2.5, -1]) {
      expect(() => search({ maxResults: bad })).toThrow(
        `searchTraces: maxResults must be an integer from 1 to 500, got ${bad}; read more with nextPageToken.`,
      );
    }
  });

  it('defaults to 100 results per page', () => {
    const many: TraceRecord[] = Array.from({ length: 120 }, (_, i) => {
      const t = corpus()[0];
      t.info.traceId = `tr-${(0x1000 + i).toString(16).padStart(32, '0')}`;
      return t;
    });
    seeded.store.export(many);
    const page = search({});
    expect(page.traces).toHaveLength(100);
    expect(page.nextPageToken).toBeDefined();
  });

  it("searches the store's own experiment by default and others when named", () => {
    expect(names(search({ experimentIds: ['7'] }).traces)).toEqual(['other']);
    expect(search({ experimentIds: ['0', '7'] }).traces).toHaveLength(9);
    expect(() => search({ experimentIds: [] })).toThrow(
      'searchTraces: experimentIds must be a non-empty array of experiment id strings, got []; omit it to use the current experiment.',
    );
  });

  it('rejects orderBy fields other than timestamp, execution time, status and name', () => {
    expect(() => search({ orderBy: ['tags.x DESC'] })).toThrow(
      "Invalid orderBy term 'tags.x DESC' at position 0: cannot order by 'tags.x'; use timestamp_ms, execution_time_ms, status or name.",
    );
    expect(() => search({ orderBy: ['timestamp_ms UP'] })).toThrow(
      "Invalid orderBy term 'timestamp_ms UP' at position 13: expected ASC or DESC, got the unquoted word 'UP'.",
    );
  });

  it('returns whole traces with spans and assessments, or without spans when asked', () => {
    const [t3] = search({ filterString: `trace.trace_id = '${ID.t3}'` }).traces;
    expect(t3.data.spans.map((s) => s.name)).toEqual(['rag', 'retrieve', 'openai.chat']);
    expect(t3.info.assessments.map((a) => [a.name, a.kind === 'feedback' ? a.value : a.value])).toEqual([
      ['user_satisfaction', true],
      ['relevance', 0.9],
      ['llm_evaluation', 0.3],
      [
        'expected_behavior',
        {
          should_escalate: true,
          required_elements: ['empathy', 'solution_offer', 'follow_up'],
          max_response_length: 150,
          tone: 'professional_friendly',
        },
      ],
    ]);
    expect(t3.info.traceMetadata['mlflow.trace.user']).toBe('user-456');
    const [bare] = search({ filterString: `trace.trace_id = '${ID.t3}'`, includeSpans: false }).traces;
    expect(bare.data.spans).toEqual([]);
    expect(bare.info).toEqual(t3.info);
  });

  it("parses a page's spans when they are first read, then keeps them as a plain property", () => {
    const [t2] = search({ filterString: `trace.trace_id = '${ID.t2}'` }).traces;
    expect(Object.getOwnPropertyDescriptor(t2.data, 'spans')?.get).toBeDefined();
    const spans = t2.data.spans;
    expect(spans.map((s) => s.name)).toEqual(['chat', 'openai.chat', 'lookup_order']);
    expect(Object.getOwnPropertyDescriptor(t2.data, 'spans')?.value).toBe(spans);
    expect(t2.data.spans).toBe(spans);
    expect(JSON.parse(JSON.stringify(t2)).data.spans).toHaveLength(3);
  });

  it('drives a search from the rarest selective key equality', () => {
    const filter = parseFilter(
      "metadata.app_version = '1.1.0' AND metadata.`mlflow.trace.user` = 'user-456' AND tags.query_category LIKE 'c%'",
    );
    expect(chooseDriver(seeded.store, filter.conditions)).toBe(filter.conditions[1]);
    expect(chooseDriver(seeded.store, parseFilter("trace.status = 'OK'").conditions)).toBeUndefined();
  });
});
