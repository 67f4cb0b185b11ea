import { describe, expect, it } from 'vitest';
import { FilterError, parseTraceFilter } from '../src/mlflow/filter.js';

describe('MLflow trace filter parsing (testkit server)', () => {
  it('reads identifiers, backticked keys, quotes, numbers, lists and null checks', () => {
    expect(
      parseTraceFilter(
        "metadata.`mlflow.trace.user` = 'u''1' AND timestamp_ms > 5 AND trace.status IN ('OK', \"ERROR\") AND feedback.helpful IS NOT NULL",
      ),
    ).toEqual([
      { entity: 'metadata', key: 'mlflow.trace.user', op: '=', value: "u'1" },
      { entity: 'trace', key: 'timestamp_ms', op: '>', value: 5 },
      { entity: 'trace', key: 'status', op: 'IN', value: ['OK', 'ERROR'] },
      { entity: 'feedback', key: 'helpful', op: 'IS NOT NULL', value: null },
    ]);
    expect(parseTraceFilter('')).toEqual([]);
  });

  it('rejects OR, unknown attributes and unterminated strings', () => {
    for (const bad of ["status = 'OK' OR status = 'ERROR'", "trace.colour = 'red'", "tags.x = 'open"])
      expect(() => parseTraceFilter(bad)).toThrow(FilterError);
  });
});
