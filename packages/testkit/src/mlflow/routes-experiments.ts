import type { MlflowRoute } from './types.js';

/** `experiments/get`, `get-by-name` and `create` of the MLflow 2.0 REST API. */
export const experimentRoutes: MlflowRoute[] = [
  {
    method: 'GET',
    path: '/api/2.0/mlflow/experiments/get',
    handle(ctx) {
      const id = ctx.query.get('experiment_id');
      if (!id)
        return ctx.error(
          400,
          'INVALID_PARAMETER_VALUE',
          "Missing value for required parameter 'experiment_id'. See the API docs for more information about request parameters.",
        );
      const experiment = ctx.state.experiments.get(id);
      if (!experiment) return ctx.error(404, 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${id} exists`);
      ctx.json(200, { experiment });
    },
  },
  {
    method: 'GET',
    path: '/api/2.0/mlflow/experiments/get-by-name',
    handle(ctx) {
      const name = ctx.query.get('experiment_name');
      if (!name)
        return ctx.error(
          400,
          'INVALID_PARAMETER_VALUE',
          "Missing value for required parameter 'experiment_name'. See the API docs for more information about request parameters.",
        );
      const experiment = ctx.state.experimentByName(name);
      if (!experiment)
        return ctx.error(404, 'RESOURCE_DOES_NOT_EXIST', `Could not find experiment with name '${name}'`);
      ctx.json(200, { experiment });
    },
  },
  {
    method: 'POST',
    path: '/api/2.0/mlflow/experiments/create',
    handle(ctx) {
      const name = ctx.body.name;
      if (typeof name !== 'string' || !name)
        return ctx.error(
          400,
          'INVALID_PARAMETER_VALUE',
          "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
        );
      if (ctx.state.experimentByName(name))
        return ctx.error(
          400,
          'RESOURCE_ALREADY_EXISTS',
          `Experiment(name=${name}) already exists. Error: (raised as a result of Query-invoked autoflush; consider using a session.no_autoflush block if this flush is occurring prematurely)`,
        );
      ctx.json(200, { experiment_id: ctx.state.addExperiment(name).experiment_id });
    },
  },
];
