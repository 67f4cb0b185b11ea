/**
 * The OpenTelemetry SDK pieces the network destinations use (OTLP exporters, the protobuf
 * serialiser, resources), loaded on first export rather than at `import '@autolog/core'`: they
 * cost hundreds of milliseconds of start-up that apps without these destinations never pay.
 */
export interface OtelSdk {
  resources: typeof import('@opentelemetry/resources');
  transformer: typeof import('@opentelemetry/otlp-transformer');
  protoExporter: typeof import('@opentelemetry/exporter-trace-otlp-proto');
  jsonExporter: typeof import('@opentelemetry/exporter-trace-otlp-http');
}

let loading: Promise<OtelSdk> | undefined;

/** Loads (once) and returns the SDK modules. */
export function loadOtelSdk(): Promise<OtelSdk> {
  loading ??= Promise.all([
    import('@opentelemetry/resources'),
    import('@opentelemetry/otlp-transformer'),
    import('@opentelemetry/exporter-trace-otlp-proto'),
    import('@opentelemetry/exporter-trace-otlp-http'),
  ]).then(([resources, transformer, protoExporter, jsonExporter]) => ({
    resources,
    transformer,
    protoExporter,
    jsonExporter,
  }));
  return loading;
}
