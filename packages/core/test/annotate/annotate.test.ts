import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  deleteAssessmentIn,
  getAssessmentIn,
  logExpectationIn,
  logFeedbackIn,
  updateAssessmentIn,
} from '../../src/annotate/assessments.js';
import { MemoryDestination } from '../../src/destinations/memory.js';
import { AutologError } from '../../src/errors.js';
import { searchStore } from '../../src/query/search.js';
import type { Feedback, TraceStore } from '../../src/types.js';
import { corpus, ID } from '../query/corpus.js';
import { names, seededStore } from '../query/helpers.js';

const BACKENDS: Array<[string, () => { store: TraceStore; cleanup: () => void }]> = [
  ['the local store', () => seededStore()],
  [
    'the memory destination',
    () => {
      const store = new MemoryDestination();
      store.export(corpus());
      return { store, cleanup: () => store.clear() };
    },
  ],
];

/** The error a promise rejects with. */
async function failure(p: Promise<unknown>): Promise<AutologError> {
  try {
    await p;
  } catch (err) {
    return err as AutologError;
  }
  throw new Error('expected a rejection');
}

describe.each(BACKENDS)('feedback and expectations on %s', (_name, make) => {
  let store: TraceStore;
  let cleanup: () => void;
  beforeEach(() => {
    ({ store, cleanup } = make());
  });
  afterEach(() => cleanup());

  const assessmentsOf = async (traceId: string) => (await store.getTrace(traceId))?.info.assessments ?? [];
  const find = async (filterString: string) =>
    names((await searchStore(store, { filterString, experimentIds: ['0'] })).traces);

  it('logs a thumbs-up from a human that comes back with the trace and is filterable as true', async () => {
    const before = Date.now();
    const fb = await logFeedbackIn(store, {
      traceId: ID.t1,
      name: 'user_satisfaction',
      value: true,
      source: { sourceType: 'HUMAN', sourceId: 'scott' },
    });
    expect(fb).toMatchObject({
      kind: 'feedback',
      traceId: ID.t1,
      name: 'user_satisfaction',
      value: true,
      valid: true,
      source: { sourceType: 'HUMAN', sourceId: 'scott' },
    });
    expect(fb.assessmentId).toMatch(/^a-[0-9a-f]{32}$/);
    expect(fb.createTime).toBeGreaterThanOrEqual(before);
    expect(fb.lastUpdateTime).toBe(fb.createTime);
    expect(await assessmentsOf(ID.t1)).toStrictEqual([fb]);
    expect(await find("feedback.user_satisfaction = 'true'")).toEqual(['t3', 't1']);
  });

  it('logs a numeric score with a rationale and an LLM-judge score, defaulting the source to CODE', async () => {
    const score = await logFeedbackIn(store, {
      traceId: ID.t8,
      name: 'relevance',
      value: 0.95,
      rationale: 'High accuracy and clarity',
    });
    expect(score.source).toEqual({ sourceType: 'CODE', sourceId: 'default' });
    expect(score.rationale).toBe('High accuracy and clarity');
    const judged = await logFeedbackIn(store, {
      traceId: ID.t8,
      name: 'llm_evaluation',
      value: 0.3,
      source: { sourceType: 'LLM_JUDGE', sourceId: 'GPT-5' },
      rationale: 'Not as good as I could have done',
    });
    expect((await getAssessmentIn(store, ID.t8, judged.assessmentId)).source).toEqual({
      sourceType: 'LLM_JUDGE',
      sourceId: 'GPT-5',
    });
    expect(await find('feedback.relevance >= 0.9')).toEqual(['t8', 't3']);
    expect(await find('feedback.llm_evaluation < 0.5')).toEqual(['t8', 't3']);
  });

  it('accepts string and object values, metadata, and an error in place of a value', async () => {
    const label = await logFeedbackIn(store, {
      traceId: ID.t1,
      name: 'topic',
      value: 'pricing',
      metadata: { channel: 'ui', attempt: 2 },
    });
    expect(label.metadata).toEqual({ channel: 'ui', attempt: '2' });
    const obj = await logFeedbackIn(store, {
      traceId: ID.t1,
      name: 'scores',
      value: { fluency: 4, tags: ['short'] },
    });
    expect(((await getAssessmentIn(store, ID.t1, obj.assessmentId)) as Feedback).value).toEqual({
      fluency: 4,
      tags: ['short'],
    });
    const failed = await logFeedbackIn(store, {
      traceId: ID.t1,
      name: 'groundedness',
      error: new TypeError('judge crashed'),
      source: { sourceType: 'LLM_JUDGE', sourceId: 'judge-v2' },
    });
    expect(failed.value).toBeUndefined();
    expect(failed.error).toMatchObject({ errorCode: 'TypeError', errorMessage: 'judge crashed' });
    expect(failed.error?.stackTrace).toContain('judge crashed');
    const coded = await logFeedbackIn(store, {
      traceId: ID.t1,
      name: 'safety',
      error: { errorCode: 'RATE_LIMITED' },
    });
    expect(coded.error).toEqual({ errorCode: 'RATE_LIMITED' });
    expect(await find('feedback.groundedness IS NULL AND feedback.topic IS NOT NULL')).toEqual(['t7', 't1']);
  });

  it('attaches feedback to a span of the trace and refuses unknown spans', async () => {
    const fb = await logFeedbackIn(store, {
      traceId: ID.t2,
      name: 'tool_ok',
      value: false,
      spanId: '0002000000000002',
    });
    expect((await getAssessmentIn(store, ID.t2, fb.assessmentId)).spanId).toBe('0002000000000002');
    const err = await failure(
      logFeedbackIn(store, { traceId: ID.t2, name: 'tool_ok', value: false, spanId: 'ffffffffffffffff' }),
    );
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toBe(`logFeedback: span "ffffffffffffffff" not found in trace "${ID.t2}".`);
  });

  it('makes an overridden feedback invalid, counts only the new one in filters, and restores it on delete', async () => {
    const newer = await logFeedbackIn(store, {
      traceId: ID.t3,
      name: 'user_satisfaction',
      value: false,
      overrides: 'a-t3-sat',
      source: { sourceType: 'HUMAN', sourceId: 'lead' },
    });
    expect(newer.overrides).toBe('a-t3-sat');
    expect((await getAssessmentIn(store, ID.t3, 'a-t3-sat')).valid).toBe(false);
    expect(await find("feedback.user_satisfaction = 'true'")).toEqual([]);
    expect(await find("feedback.user_satisfaction = 'false'")).toEqual(['t4', 't3', 't2']);
    await deleteAssessmentIn(store, ID.t3, newer.assessmentId);
    expect((await getAssessmentIn(store, ID.t3, 'a-t3-sat')).valid).toBe(true);
    expect(await find("feedback.user_satisfaction = 'true'")).toEqual(['t3']);
  });

  it('refuses to override an assessment of another name or kind', async () => {
    const err = await failure(
      logFeedbackIn(store, { traceId: ID.t3, name: 'relevance', value: 1, overrides: 'a-t3-sat' }),
    );
    expect(err.message).toBe(
      'logFeedback: "overrides" must name an earlier feedback called "relevance"; "a-t3-sat" is a feedback called "user_satisfaction".',
    );
    const missing = await failure(
      logFeedbackIn(store, { traceId: ID.t3, name: 'relevance', value: 1, overrides: 'a-nope' }),
    );
    expect(missing.code).toBe('ASSESSMENT_NOT_FOUND');
  });

  it("logs the seed's expectation object with a HUMAN default source", async () => {
    const value = {
      should_escalate: true,
      required_elements: ['empathy', 'solution_offer', 'follow_up'],
      max_response_length: 150,
      tone: 'professional_friendly',
    };
    const exp = await logExpectationIn(store, { traceId: ID.t1, name: 'expected_behavior', value });
    expect(exp).toMatchObject({
      kind: 'expectation',
      name: 'expected_behavior',
      value,
      source: { sourceType: 'HUMAN', sourceId: 'default' },
      valid: true,
    });
    value.tone = 'changed later by the caller';
    expect((await getAssessmentIn(store, ID.t1, exp.assessmentId)).value).toMatchObject({
      tone: 'professional_friendly',
    });
    expect(await find('expectation.expected_behavior IS NOT NULL')).toEqual(['t3', 't1']);
    const plain = await logExpectationIn(store, {
      traceId: ID.t1,
      name: 'expected_response',
      value: 'MLflow is a platform.',
    });
    expect(plain.value).toBe('MLflow is a platform.');
  });

  it('rejects values that are not JSON, and feedback with neither value nor error', async () => {
    const cases: Array<[Promise<unknown>, string]> = [
      [
        logFeedbackIn(store, { traceId: ID.t1, name: 'x' }),
        'logFeedback: give a "value" (boolean, number, string or object) or an "error".',
      ],
      [
        logFeedbackIn(store, { traceId: ID.t1, name: 'x', value: Number.NaN }),
        'logFeedback: value is NaN, which JSON cannot hold.',
      ],
      [
        logExpectationIn(store, { traceId: ID.t1, name: 'x', value: { when: new Date(0) } }),
        'logExpectation: value.when is a Date; pass plain objects, arrays, strings, numbers or booleans.',
      ],
      [
        logExpectationIn(store, { traceId: ID.t1, name: 'x', value: undefined }),
        'logExpectation: "value" is required (any JSON value).',
      ],
      [
        logFeedbackIn(store, { traceId: ID.t1, name: '', value: 1 }),
        'logFeedback: "name" must be a non-empty string, got "".',
      ],
      [
        logFeedbackIn(store, {
          traceId: ID.t1,
          name: 'x',
          value: 1,
          source: { sourceType: 'ROBOT' as never, sourceId: 'r' },
        }),
        'logFeedback: "source.sourceType" must be one of HUMAN, LLM_JUDGE, CODE, got "ROBOT".',
      ],
      [
        logFeedbackIn(store, { traceId: ID.t1, name: 'x', value: 1, metadata: { nested: {} as never } }),
        'logFeedback: "metadata.nested" must be a string, got {}.',
      ],
    ];
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    cases.push([
      logExpectationIn(store, { traceId: ID.t1, name: 'x', value: cyclic }),
      'logExpectation: value.self refers back to itself.',
    ]);
    for (const [p, message] of cases) {
      const err = await failure(p);
      expect(err).toBeInstanceOf(AutologError);
      expect(err.code).toBe('INVALID_ARGUMENT');
      expect(err.message).toBe(message);
    }
    expect(await assessmentsOf(ID.t1)).toEqual([]);
  });

  it('names the unknown trace or assessment when getting one', async () => {
    const ghost = 'tr-ffffffffffffffffffffffffffffffff';
    const noTrace = await failure(getAssessmentIn(store, ghost, 'a-t3-sat'));
    expect(noTrace.code).toBe('TRACE_NOT_FOUND');
    expect(noTrace.message).toBe(
      `getAssessment: trace "${ghost}" not found in the ${store.name} destination.`,
    );
    const noAssessment = await failure(getAssessmentIn(store, ID.t3, 'a-missing'));
    expect(noAssessment.code).toBe('ASSESSMENT_NOT_FOUND');
    expect(noAssessment.message).toBe(`getAssessment: assessment "a-missing" not found on trace "${ID.t3}".`);
    const logOnGhost = await failure(logFeedbackIn(store, { traceId: ghost, name: 'x', value: 1 }));
    expect(logOnGhost.message).toBe(
      `logFeedback: trace "${ghost}" not found in the ${store.name} destination.`,
    );
  });

  it('updates value, rationale and name in place, merging metadata', async () => {
    const fb = await logFeedbackIn(store, {
      traceId: ID.t1,
      name: 'relevance',
      value: 0.4,
      metadata: { reviewer: 'a' },
    });
    const updated = await updateAssessmentIn(store, {
      traceId: ID.t1,
      assessmentId: fb.assessmentId,
      value: 0.8,
      rationale: 'second look',
      metadata: { round: '2' },
    });
    expect(updated).toMatchObject({
      assessmentId: fb.assessmentId,
      value: 0.8,
      rationale: 'second look',
      metadata: { reviewer: 'a', round: '2' },
      createTime: fb.createTime,
    });
    expect(updated.lastUpdateTime).toBeGreaterThanOrEqual(fb.lastUpdateTime);
    expect(await getAssessmentIn(store, ID.t1, fb.assessmentId)).toStrictEqual(updated);
    expect(await find('feedback.relevance = 0.8')).toEqual(['t1']);
    const renamed = await updateAssessmentIn(store, {
      traceId: ID.t1,
      assessmentId: fb.assessmentId,
      name: 'quality',
    });
    expect(renamed.name).toBe('quality');
    expect(await assessmentsOf(ID.t1)).toHaveLength(1);
  });

  it('replaces a feedback value with an error as a unit, and keeps expectations free of errors', async () => {
    const fb = await logFeedbackIn(store, { traceId: ID.t1, name: 'groundedness', value: true });
    const failed = await updateAssessmentIn(store, {
      traceId: ID.t1,
      assessmentId: fb.assessmentId,
      error: { errorCode: 'TIMEOUT' },
    });
    expect(failed).not.toHaveProperty('value');
    expect((failed as Feedback).error).toEqual({ errorCode: 'TIMEOUT' });
    const err = await failure(
      updateAssessmentIn(store, { traceId: ID.t3, assessmentId: 'a-t3-exp', error: { errorCode: 'X' } }),
    );
    expect(err.message).toBe('updateAssessment: an expectation has no "error"; update its "value".');
    const exp = await updateAssessmentIn(store, {
      traceId: ID.t3,
      assessmentId: 'a-t3-exp',
      value: { tone: 'formal' },
    });
    expect(exp.value).toEqual({ tone: 'formal' });
  });

  it('deletes an assessment and reports an unknown one', async () => {
    await deleteAssessmentIn(store, ID.t2, 'a-t2-rel');
    expect((await assessmentsOf(ID.t2)).map((a) => a.assessmentId)).toEqual(['a-t2-sat']);
    const err = await failure(deleteAssessmentIn(store, ID.t2, 'a-t2-rel'));
    expect(err.code).toBe('ASSESSMENT_NOT_FOUND');
  });
});
