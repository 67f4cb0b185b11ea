import { ExportError } from '../export-error.js';

/**
 * The artifacts-proxy path of a file in a trace's artifact location (tag
 * `mlflow.artifactLocation`): `mlflow-artifacts:/1/traces/tr-…/artifacts` →
 * `/api/2.0/mlflow-artifacts/artifacts/1/traces/tr-…/artifacts/traces.json`. Other schemes
 * (`s3://`, `file:`) are not reachable through the tracking server: the error says to run it
 * with `--serve-artifacts`.
 *
 * @example
 * artifactProxyPath('mlflow-artifacts:/0/traces/tr-1/artifacts'); // '/api/2.0/mlflow-artifacts/artifacts/0/traces/tr-1/artifacts/traces.json'
 */
export function artifactProxyPath(location: string | undefined, file = 'traces.json'): string {
  if (!location)
    throw new ExportError('the tracking server returned no mlflow.artifactLocation tag for the trace', {
      retryable: false,
    });
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?(\/.*)$/.exec(location);
  if (!match) {
    throw new ExportError(
      `the trace's artifact location uses "${location.split(':')[0]}:", which is not served by the tracking server; start it with --serve-artifacts (artifact root mlflow-artifacts:/) or use a SQL backend`,
      { retryable: false },
    );
  }
  const path = match[1].replace(/\/+$/, '').split('/').map(encodeURIComponent).join('/');
  return `/api/2.0/mlflow-artifacts/artifacts${path}/${file}`;
}
