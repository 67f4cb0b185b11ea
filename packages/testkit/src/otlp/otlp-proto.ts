import protobuf from 'protobufjs';

/**
 * The OTLP trace messages of opentelemetry-proto v1 (`collector/trace/v1`, `trace/v1`,
 * `common/v1`, `resource/v1`), with the official field numbers, for decoding what exporters
 * send. Parsed once with protobufjs, keeping the proto field names (snake_case), so decoded
 * objects look like MLflow's protobuf JSON.
 */
const OTLP_TRACE_PROTO = `
syntax = "proto3";
package opentelemetry.proto;
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16;
  string name = 5; SpanKind kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10;
  repeated Event events = 11; uint32 dropped_events_count = 12;
  repeated Link links = 13; uint32 dropped_links_count = 14; Status status = 15;
  enum SpanKind { SPAN_KIND_UNSPECIFIED = 0; SPAN_KIND_INTERNAL = 1; SPAN_KIND_SERVER = 2; SPAN_KIND_CLIENT = 3; SPAN_KIND_PRODUCER = 4; SPAN_KIND_CONSUMER = 5; }
  message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
  message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; uint32 dropped_attributes_count = 5; fixed32 flags = 6; }
}
message Status { reserved 1; string message = 2; StatusCode code = 3; enum StatusCode { STATUS_CODE_UNSET = 0; STATUS_CODE_OK = 1; STATUS_CODE_ERROR = 2; } }
`;

const root = protobuf.parse(OTLP_TRACE_PROTO, { keepCase: true }).root;
const Request = root.lookupType('opentelemetry.proto.ExportTraceServiceRequest');
const Response = root.lookupType('opentelemetry.proto.ExportTraceServiceResponse');

/** A span as protobuf JSON (snake_case; ids base64; nanoseconds as strings; enums by name). */
export type ProtoJsonSpan = Record<string, any>;

export interface DecodedResourceSpans {
  resource?: { attributes?: ProtoJsonKeyValue[] };
  scope_spans?: Array<{ scope?: { name?: string; version?: string }; spans?: ProtoJsonSpan[] }>;
}
export interface ProtoJsonKeyValue {
  key: string;
  value?: Record<string, unknown>;
}

/** Decodes an OTLP `ExportTraceServiceRequest` (binary protobuf). Throws on bytes that are not one. */
export function decodeTraceRequest(body: Uint8Array): DecodedResourceSpans[] {
  const message = Request.decode(body);
  const json = Request.toObject(message, {
    longs: String,
    enums: String,
    bytes: String,
    defaults: false,
    arrays: true,
  }) as { resource_spans?: DecodedResourceSpans[] };
  return json.resource_spans ?? [];
}

/** An empty `ExportTraceServiceResponse`, as collectors answer a full success. */
export function encodeTraceResponse(): Uint8Array {
  return Response.encode(Response.create({})).finish();
}

/** A plain value from an OTLP `AnyValue` in protobuf JSON (snake_case) or OTLP/JSON (camelCase). */
export function anyValue(value: Record<string, any> | undefined): unknown {
  if (!value) return undefined;
  const pick = (snake: string, camel: string) => (snake in value ? value[snake] : value[camel]);
  if ('string_value' in value || 'stringValue' in value) return pick('string_value', 'stringValue');
  if ('bool_value' in value || 'boolValue' in value) return pick('bool_value', 'boolValue');
  if ('int_value' in value || 'intValue' in value) return Number(pick('int_value', 'intValue'));
  if ('double_value' in value || 'doubleValue' in value) return Number(pick('double_value', 'doubleValue'));
  if ('bytes_value' in value || 'bytesValue' in value) return pick('bytes_value', 'bytesValue');
  const array = pick('array_value', 'arrayValue');
  if (array) return (array.values ?? []).map(anyValue);
  const kv = pick('kvlist_value', 'kvlistValue');
  if (kv)
    return Object.fromEntries((kv.values ?? []).map((e: ProtoJsonKeyValue) => [e.key, anyValue(e.value)]));
  return undefined;
}

/** `[{key, value}]` → `{key: value}`. */
export function attributeMap(list: ProtoJsonKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
}

/** Encodes an `ExportTraceServiceRequest` from protobuf JSON (snake_case, base64 ids) — for tests that send OTLP by hand. */
export function encodeTraceRequest(request: { resource_spans: DecodedResourceSpans[] }): Uint8Array {
  return Request.encode(Request.fromObject(request)).finish();
}
