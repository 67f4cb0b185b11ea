import type { MlflowRoute } from './types.js';

/** The artifacts proxy of `mlflow server --serve-artifacts` (the default): upload and download files. */
export const artifactRoutes: MlflowRoute[] = [
  {
    method: 'PUT',
    path: '/api/2.0/mlflow-artifacts/artifacts/*path',
    handle(ctx) {
      const path = decodeURIComponent(ctx.params.path);
      if (path.split('/').includes('..'))
        return ctx.error(400, 'INVALID_PARAMETER_VALUE', `Invalid path: ${path}`);
      ctx.state.artifacts.set(path, ctx.raw);
      ctx.json(200, {});
    },
  },
  {
    method: 'GET',
    path: '/api/2.0/mlflow-artifacts/artifacts/*path',
    handle(ctx) {
      const path = decodeURIComponent(ctx.params.path);
      const file = ctx.state.artifacts.get(path);
      if (!file) return ctx.error(404, 'RESOURCE_DOES_NOT_EXIST', `File not found: ${path}`);
      ctx.send(200, { 'content-type': 'application/octet-stream' }, file);
    },
  },
];
