/**
 * One line of a JSONL trace file as a `TraceRecord`: Autolog's own form (what `autolog export`
 * writes) or MLflow's trace JSON. Anything else is rejected with what is wrong, for the
 * importer to report with its line number.
 */
import { type SpanData, type TraceRecord, traceFromMlflowJson } from '@autolog/core';

const isObject = (v: unknown): v is Record<string, any> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Checks the shape of Autolog's `TraceRecord` JSON. */
function checkRecord(json: Record<string, any>): TraceRecord {
  const { info, data } = json;
  check(typeof info.traceId === 'string' && info.traceId, 'info.traceId is missing');
  check(Number.isFinite(info.requestTime), 'info.requestTime is not a number (epoch ms)');
  check(Number.isFinite(info.executionDuration), 'info.executionDuration is not a number (ms)');
  check(
    ['OK', 'ERROR', 'IN_PROGRESS'].includes(info.state),
    `info.state ${JSON.stringify(info.state)} is not OK, ERROR or IN_PROGRESS`,
  );
  for (const key of ['traceMetadata', 'tags'] as const) {
    check(
      info[key] === undefined ||
        (isObject(info[key]) && Object.values(info[key]).every((v) => typeof v === 'string')),
      `info.${key} must map keys to strings`,
    );
  }
  check(
    info.assessments === undefined || Array.isArray(info.assessments),
    'info.assessments is not an array',
  );
  check(isObject(data) && Array.isArray(data.spans), 'data.spans is not an array');
  data.spans.forEach((span: unknown, i: number) => {
    check(isObject(span), `span ${i} is not an object`);
    check(typeof span.spanId === 'string' && span.spanId, `span ${i} has no spanId`);
    check(typeof span.name === 'string', `span ${i} (${span.spanId}) has no name`);
    check(Number.isFinite(span.startTimeNs), `span ${i} (${span.spanId}) has no startTimeNs`);
    check(isObject(span.status), `span ${i} (${span.spanId}) has no status`);
  });
  return {
    info: { experimentId: '0', traceMetadata: {}, tags: {}, assessments: [], ...info },
    data: {
      spans: data.spans.map(
        (s: Record<string, any>) =>
          ({
            traceId: info.traceId,
            parentId: null,
            spanType: 'UNKNOWN',
            attributes: {},
            events: [],
            endTimeNs: null,
            ...s,
          }) as unknown as SpanData,
      ),
    },
  };
}

/** Parses one line; throws an `Error` saying what is wrong. */
export function parseTraceLine(line: string): TraceRecord {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    throw new Error(`not JSON (${(error as Error).message})`);
  }
  check(isObject(json) && isObject(json.info), 'not a trace: expected {"info": …, "data": {"spans": […]}}');
  if (typeof json.info.traceId === 'string') return checkRecord(json);
  if ('trace_id' in json.info || 'request_id' in json.info) return traceFromMlflowJson(json);
  throw new Error('not a trace: info has neither traceId (Autolog) nor trace_id (MLflow)');
}
