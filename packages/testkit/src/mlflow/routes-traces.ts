import { type Clause, FilterError, matchesFilter, parseTraceFilter } from './filter.js';
import type { StoredTrace } from './state.js';
import { durationMs, traceMs } from './trace-time.js';
import type { MlflowRoute, RouteContext } from './types.js';

const ORDER_FIELDS: Record<string, (t: StoredTrace) => number | string> = {
  timestamp_ms: traceMs,
  timestamp: traceMs,
  execution_time_ms: durationMs,
  status: (t) => String(t.info.state),
  name: (t) => String(t.info.tags?.['mlflow.traceName'] ?? ''),
};

function requireTrace(ctx: RouteContext): StoredTrace | undefined {
  const trace = ctx.state.traces.get(ctx.params.trace_id);
  if (!trace) ctx.error(404, 'RESOURCE_DOES_NOT_EXIST', `Trace with ID ${ctx.params.trace_id} is not found.`);
  return trace;
}

/** `StartTraceV3`: creates the trace, or merges into one whose spans arrived first at `/v1/traces`. */
function startTrace(ctx: RouteContext) {
  const info = ctx.body.trace?.trace_info;
  if (!info || typeof info.trace_id !== 'string')
    return ctx.error(
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'trace.trace_info.trace_id'.",
    );
  const experimentId = info.trace_location?.mlflow_experiment?.experiment_id;
  const experiment = ctx.state.experiments.get(String(experimentId));
  if (!experiment)
    return ctx.error(404, 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${experimentId} exists`);
  if (experiment.lifecycle_stage !== 'active')
    return ctx.error(
      400,
      'INVALID_PARAMETER_VALUE',
      `The experiment ${experimentId} must be in the 'active' state. Current state is deleted.`,
    );
  const trace = ctx.state.traceFor(info.trace_id, experiment.experiment_id);
  const { assessments: _ignored, ...fields } = info;
  trace.info = {
    ...trace.info,
    ...fields,
    trace_metadata: { ...trace.info.trace_metadata, ...(info.trace_metadata ?? {}) },
    tags: {
      ...trace.info.tags,
      ...(info.tags ?? {}),
      'mlflow.artifactLocation': `${experiment.artifact_location}/traces/${info.trace_id}/artifacts`,
    },
  };
  ctx.json(200, { trace: { trace_info: ctx.state.infoJson(trace) } });
}

function search(ctx: RouteContext) {
  const locations =
    ctx.body.locations ??
    (ctx.body.experiment_ids ?? []).map((id: string) => ({ mlflow_experiment: { experiment_id: id } }));
  const ids = new Set<string>(locations.map((l: any) => String(l?.mlflow_experiment?.experiment_id)));
  if (!ids.size) return ctx.error(400, 'INVALID_PARAMETER_VALUE', 'At least one location must be specified.');
  const max = Number(ctx.body.max_results ?? 100);
  if (!Number.isInteger(max) || max < 1 || max > 500)
    return ctx.error(
      400,
      'INVALID_PARAMETER_VALUE',
      `Invalid value ${ctx.body.max_results} for parameter 'max_results' supplied. It must be at most 500.`,
    );
  let clauses: Clause[];
  try {
    clauses = parseTraceFilter(String(ctx.body.filter ?? ''));
  } catch (err) {
    if (err instanceof FilterError) return ctx.error(400, 'INVALID_PARAMETER_VALUE', err.message);
    throw err;
  }
  const order = (
    (ctx.body.order_by as string[] | undefined)?.length ? ctx.body.order_by : ['timestamp_ms DESC']
  ) as string[];
  const terms = order.map((o) => {
    const [field, dir = 'ASC'] = o.trim().split(/\s+/);
    const key = ORDER_FIELDS[field.replace(/^(trace|attributes)\./, '')];
    return { key, desc: dir.toUpperCase() === 'DESC', field };
  });
  const bad = terms.find((t) => !t.key);
  if (bad) return ctx.error(400, 'INVALID_PARAMETER_VALUE', `Invalid order_by clause '${bad.field}'.`);
  const matching = [...ctx.state.traces.values()]
    .filter(
      (t) =>
        ids.has(String(t.info.trace_location?.mlflow_experiment?.experiment_id)) &&
        matchesFilter(t, clauses, traceMs, durationMs),
    )
    .sort((a, b) => {
      for (const t of terms) {
        const x = t.key(a);
        const y = t.key(b);
        if (x !== y) return (x < y ? -1 : 1) * (t.desc ? -1 : 1);
      }
      return String(a.info.trace_id).localeCompare(String(b.info.trace_id));
    });
  const offset = ctx.body.page_token
    ? Number(
        Buffer.from(String(ctx.body.page_token), 'base64')
          .toString('utf8')
          .replace(/^offset:/, ''),
      )
    : 0;
  if (!Number.isInteger(offset) || offset < 0)
    return ctx.error(400, 'INVALID_PARAMETER_VALUE', 'Invalid page token.');
  const page = matching.slice(offset, offset + max);
  const next =
    offset + max < matching.length ? Buffer.from(`offset:${offset + max}`).toString('base64') : undefined;
  ctx.json(200, {
    traces: page.map((t) => ctx.state.infoJson(t)),
    ...(next ? { next_page_token: next } : {}),
  });
}

/** `StartTraceV3`, `GetTraceInfoV3`, `SearchTracesV3`, `BatchGetTraces`, tags and `DeleteTracesV3`. */
export const traceRoutes: MlflowRoute[] = [
  { method: 'POST', path: '/api/3.0/mlflow/traces', handle: startTrace },
  { method: 'POST', path: '/api/3.0/mlflow/traces/search', handle: search },
  {
    method: 'GET',
    path: '/api/3.0/mlflow/traces/batchGet',
    handle(ctx) {
      const out = [];
      for (const id of ctx.query.getAll('trace_ids')) {
        const trace = ctx.state.traces.get(id);
        if (!trace) continue;
        if (trace.info.tags?.['mlflow.trace.spansLocation'] !== 'TRACKING_STORE')
          return ctx.error(500, 'INTERNAL_ERROR', 'Trace data not stored in tracking store');
        out.push({ trace_info: ctx.state.infoJson(trace), spans: [...trace.spans.values()] });
      }
      ctx.json(200, { traces: out });
    },
  },
  {
    method: 'POST',
    path: '/api/3.0/mlflow/traces/delete-traces',
    handle(ctx) {
      const {
        experiment_id: experimentId,
        request_ids: ids,
        max_timestamp_millis: maxTs,
        max_traces: maxTraces,
      } = ctx.body;
      if (!experimentId)
        return ctx.error(
          400,
          'INVALID_PARAMETER_VALUE',
          "Missing value for required parameter 'experiment_id'.",
        );
      if ((ids === undefined) === (maxTs === undefined))
        return ctx.error(
          400,
          'INVALID_PARAMETER_VALUE',
          'Exactly one of `max_timestamp_millis` and `request_ids` must be specified.',
        );
      const doomed = [...ctx.state.traces.values()]
        .filter(
          (t) => String(t.info.trace_location?.mlflow_experiment?.experiment_id) === String(experimentId),
        )
        .filter((t) => (ids ? ids.includes(t.info.trace_id) : traceMs(t) <= Number(maxTs)))
        .sort((a, b) => traceMs(a) - traceMs(b))
        .slice(0, maxTraces ?? Number.POSITIVE_INFINITY);
      for (const t of doomed) ctx.state.traces.delete(t.info.trace_id);
      ctx.json(200, { traces_deleted: doomed.length });
    },
  },
  {
    method: 'GET',
    path: '/api/3.0/mlflow/traces/:trace_id',
    handle(ctx) {
      const trace = requireTrace(ctx);
      if (trace) ctx.json(200, { trace: { trace_info: ctx.state.infoJson(trace) } });
    },
  },
  {
    method: 'PATCH',
    path: '/api/3.0/mlflow/traces/:trace_id/tags',
    handle(ctx) {
      const trace = requireTrace(ctx);
      if (!trace) return;
      if (typeof ctx.body.key !== 'string' || !ctx.body.key)
        return ctx.error(400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'key'.");
      trace.info.tags = { ...trace.info.tags, [ctx.body.key]: String(ctx.body.value ?? '') };
      ctx.json(200, {});
    },
  },
  {
    method: 'DELETE',
    path: '/api/3.0/mlflow/traces/:trace_id/tags',
    handle(ctx) {
      const trace = requireTrace(ctx);
      if (!trace) return;
      const key = ctx.query.get('key') ?? ctx.body.key;
      if (!key || !(key in (trace.info.tags ?? {})))
        return ctx.error(
          404,
          'RESOURCE_DOES_NOT_EXIST',
          `No trace tag with key '${key}' for trace with ID '${ctx.params.trace_id}'`,
        );
      delete trace.info.tags[key];
      ctx.json(200, {});
    },
  },
];

export { requireTrace };
