/** An MLflow experiment as the REST API returns it. */
export interface StoredExperiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: 'active' | 'deleted';
  creation_time: number;
  last_update_time: number;
  tags?: Array<{ key: string; value: string }>;
}

/** A trace as the server holds it: `TraceInfoV3` JSON, spans (protobuf JSON by span id), assessments. */
export interface StoredTrace {
  info: Record<string, any>;
  spans: Map<string, Record<string, any>>;
  assessments: Map<string, Record<string, any>>;
}

/**
 * Everything the local MLflow server holds, in memory. Tests read it directly to check what
 * arrived (`state.traces.get(id)`, `state.artifacts`), independent of the client under test.
 */
export class MlflowState {
  readonly experiments = new Map<string, StoredExperiment>();
  readonly traces = new Map<string, StoredTrace>();
  /** Artifacts by path under the artifact root (e.g. `1/traces/tr-…/artifacts/traces.json`). */
  readonly artifacts = new Map<string, Buffer>();
  /** Databricks mode: objects written through signed URLs, by `<trace id>/<file>`. */
  readonly blobs = new Map<string, Buffer>();
  /** Databricks mode: signatures issued, with what they allow. */
  readonly signatures = new Map<string, { method: 'upload' | 'download'; traceId: string }>();
  /** Databricks mode with OAuth: access tokens issued, with when they expire (epoch ms). */
  readonly oauthTokens = new Map<string, number>();
  private nextExperiment = 1;

  constructor() {
    this.addExperiment('Default', '0');
  }

  addExperiment(name: string, id = String(this.nextExperiment++)): StoredExperiment {
    const now = Date.now();
    const experiment: StoredExperiment = {
      experiment_id: id,
      name,
      artifact_location: `mlflow-artifacts:/${id}`,
      lifecycle_stage: 'active',
      creation_time: now,
      last_update_time: now,
    };
    this.experiments.set(id, experiment);
    return experiment;
  }

  experimentByName(name: string): StoredExperiment | undefined {
    return [...this.experiments.values()].find((e) => e.name === name);
  }

  /** The trace, created empty (IN_PROGRESS) in `experimentId` when unknown. */
  traceFor(traceId: string, experimentId: string): StoredTrace {
    let trace = this.traces.get(traceId);
    if (!trace) {
      trace = {
        info: {
          trace_id: traceId,
          trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
          request_time: new Date().toISOString(),
          state: 'IN_PROGRESS',
          trace_metadata: {},
          tags: {},
        },
        spans: new Map(),
        assessments: new Map(),
      };
      this.traces.set(traceId, trace);
    }
    return trace;
  }

  /** `TraceInfoV3` JSON with the artifact location tag and the assessments. */
  infoJson(trace: StoredTrace): Record<string, any> {
    return {
      ...trace.info,
      tags: { ...trace.info.tags },
      trace_metadata: { ...trace.info.trace_metadata },
      assessments: [...trace.assessments.values()],
    };
  }

  reset(): void {
    this.experiments.clear();
    this.traces.clear();
    this.artifacts.clear();
    this.blobs.clear();
    this.signatures.clear();
    this.nextExperiment = 1;
    this.addExperiment('Default', '0');
  }
}
