import { randomUUID } from 'node:crypto';
import { requireTrace } from './routes-traces.js';
import type { MlflowRoute, RouteContext } from './types.js';

function requireAssessment(ctx: RouteContext): Record<string, any> | undefined {
  const trace = requireTrace(ctx);
  if (!trace) return undefined;
  const found = trace.assessments.get(ctx.params.assessment_id);
  if (!found)
    ctx.error(
      404,
      'RESOURCE_DOES_NOT_EXIST',
      `Assessment with ID '${ctx.params.assessment_id}' not found for trace '${ctx.params.trace_id}'`,
    );
  return found;
}

/** `CreateAssessment`, `GetAssessmentRequest`, `UpdateAssessment` (with `update_mask`) and `DeleteAssessment`. */
export const assessmentRoutes: MlflowRoute[] = [
  {
    method: 'POST',
    path: '/api/3.0/mlflow/traces/:trace_id/assessments',
    handle(ctx) {
      const trace = requireTrace(ctx);
      if (!trace) return;
      const a = ctx.body.assessment;
      if (!a || typeof a.assessment_name !== 'string' || !a.assessment_name)
        return ctx.error(
          400,
          'INVALID_PARAMETER_VALUE',
          "Missing value for required parameter 'assessment.assessment_name'.",
        );
      if (!a.source?.source_type)
        return ctx.error(
          400,
          'INVALID_PARAMETER_VALUE',
          "Missing value for required parameter 'assessment.source'.",
        );
      if (!!a.feedback === !!a.expectation)
        return ctx.error(
          400,
          'INVALID_PARAMETER_VALUE',
          'Exactly one of `expectation` or `feedback` must be specified.',
        );
      if (a.overrides && !trace.assessments.has(a.overrides))
        return ctx.error(
          400,
          'INVALID_PARAMETER_VALUE',
          `Assessment with ID '${a.overrides}' to override not found.`,
        );
      const now = new Date().toISOString();
      const stored = {
        ...a,
        assessment_id: `a-${randomUUID().replace(/-/g, '')}`,
        trace_id: ctx.params.trace_id,
        create_time: now,
        last_update_time: now,
        valid: true,
      };
      if (a.overrides) trace.assessments.get(a.overrides)!.valid = false;
      trace.assessments.set(stored.assessment_id, stored);
      ctx.json(200, { assessment: stored });
    },
  },
  {
    method: 'GET',
    path: '/api/3.0/mlflow/traces/:trace_id/assessments/:assessment_id',
    handle(ctx) {
      const found = requireAssessment(ctx);
      if (found) ctx.json(200, { assessment: found });
    },
  },
  {
    method: 'PATCH',
    path: '/api/3.0/mlflow/traces/:trace_id/assessments/:assessment_id',
    handle(ctx) {
      const found = requireAssessment(ctx);
      if (!found) return;
      const mask = String(ctx.body.update_mask ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (!mask.length)
        return ctx.error(
          400,
          'INVALID_PARAMETER_VALUE',
          "Missing value for required parameter 'update_mask'.",
        );
      const update = ctx.body.assessment ?? {};
      for (const field of mask) {
        if (field in update) found[field] = update[field];
        else delete found[field];
      }
      found.last_update_time = new Date().toISOString();
      ctx.json(200, { assessment: found });
    },
  },
  {
    method: 'DELETE',
    path: '/api/3.0/mlflow/traces/:trace_id/assessments/:assessment_id',
    handle(ctx) {
      const found = requireAssessment(ctx);
      if (!found) return;
      const trace = ctx.state.traces.get(ctx.params.trace_id)!;
      trace.assessments.delete(ctx.params.assessment_id);
      if (found.overrides && trace.assessments.has(found.overrides))
        trace.assessments.get(found.overrides)!.valid = true;
      ctx.json(200, {});
    },
  },
];
