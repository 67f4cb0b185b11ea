import { ExportError } from '../export-error.js';
import type { HttpClient } from './http-client.js';

/**
 * Resolves the experiment traces go to, once, on the tracking server: by id (it must exist) or
 * by name (created if missing, as `mlflow.set_experiment` does); neither means experiment `0`
 * (Default). A failed look-up is retried on the next export.
 *
 * @example
 * const experiments = new ExperimentResolver(http, { experimentName: 'support-bot' });
 * await experiments.resolve(); // '3'
 */
export class ExperimentResolver {
  private readonly http: HttpClient;
  private readonly experimentId?: string;
  private readonly experimentName?: string;
  private pending: Promise<string> | undefined;
  resolved: string | undefined;

  constructor(http: HttpClient, options: { experimentId?: string; experimentName?: string }) {
    this.http = http;
    this.experimentId = options.experimentId;
    this.experimentName = options.experimentName;
  }

  /** What the experiment is called in messages and spool keys. */
  get label(): string {
    return this.experimentId !== undefined
      ? `id ${this.experimentId}`
      : this.experimentName !== undefined
        ? `"${this.experimentName}"`
        : 'id 0';
  }

  resolve(): Promise<string> {
    if (this.resolved !== undefined) return Promise.resolve(this.resolved);
    this.pending ??= this.lookUp().then(
      (id) => (this.resolved = id),
      (err) => {
        this.pending = undefined;
        throw err;
      },
    );
    return this.pending;
  }

  private async lookUp(): Promise<string> {
    if (this.experimentId !== undefined) {
      try {
        await this.http.json('GET', '/api/2.0/mlflow/experiments/get', {
          query: { experiment_id: this.experimentId },
        });
      } catch (err) {
        if ((err as ExportError).status === 404) {
          throw new ExportError(
            `experiment id ${this.experimentId} does not exist on ${this.http.target.baseUrl}; create it or set MLFLOW_EXPERIMENT_NAME to have it created`,
            { retryable: false, status: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST' },
          );
        }
        throw err;
      }
      return this.experimentId;
    }
    if (this.experimentName === undefined) return '0';
    const byName = await this.findByName(this.experimentName);
    if (byName) return byName;
    try {
      const created = await this.http.json<{ experiment_id: string }>(
        'POST',
        '/api/2.0/mlflow/experiments/create',
        { json: { name: this.experimentName } },
      );
      return String(created.experiment_id);
    } catch (err) {
      // Created meanwhile by another process.
      if ((err as ExportError).errorCode === 'RESOURCE_ALREADY_EXISTS') {
        const again = await this.findByName(this.experimentName);
        if (again) return again;
      }
      throw err;
    }
  }

  private async findByName(name: string): Promise<string | undefined> {
    try {
      const res = await this.http.json<{ experiment?: { experiment_id?: string; lifecycle_stage?: string } }>(
        'GET',
        '/api/2.0/mlflow/experiments/get-by-name',
        { query: { experiment_name: name } },
      );
      if (res.experiment?.lifecycle_stage === 'deleted') {
        throw new ExportError(
          `experiment "${name}" is deleted on ${this.http.target.baseUrl}; restore it or choose another name`,
          { retryable: false, status: 400 },
        );
      }
      return res.experiment?.experiment_id !== undefined ? String(res.experiment.experiment_id) : undefined;
    } catch (err) {
      if ((err as ExportError).status === 404) return undefined;
      throw err;
    }
  }
}
