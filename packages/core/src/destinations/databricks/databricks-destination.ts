import { MlflowDestination, type MlflowDestinationOptions } from '../mlflow/mlflow-destination.js';
import { resolveDatabricksConfig } from './databricks-config.js';

export interface DatabricksDestinationOptions
  extends Omit<MlflowDestinationOptions, 'trackingUri' | 'token' | 'username' | 'password'> {
  /** `databricks` (environment, then the default profile) or `databricks://<profile>` of `~/.databrickscfg`. */
  uri?: string;
}

/**
 * Publishes traces to MLflow on Databricks: the same REST endpoints as a tracking server, with
 * the workspace's token (or OAuth service principal), and span data uploaded to the signed URL
 * of `credentials-for-data-upload` (AWS, GCP, Azure Blob and ADLS Gen2 credentials). Experiment
 * names are workspace paths such as `/Users/me@example.com/support-bot`.
 *
 * @example
 * init({ destination: 'databricks://staging', experimentName: '/Shared/support-bot' });
 * // or: MLFLOW_TRACKING_URI=databricks DATABRICKS_HOST=https://adb-1.azuredatabricks.net DATABRICKS_TOKEN=dapi…
 */
export class DatabricksDestination extends MlflowDestination {
  /** Where the workspace settings came from (an env var or a profile), for the startup log. */
  readonly configSource: string;

  constructor(options: DatabricksDestinationOptions = {}) {
    const config = resolveDatabricksConfig(options.uri ?? 'databricks');
    super(options, {
      name: 'databricks',
      baseUrl: config.host,
      credentials: config.credentials,
      databricks: true,
    });
    this.configSource = config.source;
  }
}
