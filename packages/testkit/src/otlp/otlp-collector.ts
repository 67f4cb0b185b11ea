import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  attributeMap,
  decodeTraceRequest,
  encodeTraceResponse,
  type ProtoJsonKeyValue,
} from './otlp-proto.js';

/** A span as the collector received it, ids in hex and attributes as a plain map. */
export interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; timeUnixNano: string; attributes: Record<string, unknown> }>;
  status: { code: string; message?: string };
  resource: Record<string, unknown>;
  scope: string;
  /** `protobuf` or `json`: how the request carrying it was encoded. */
  encoding: 'protobuf' | 'json';
}

export interface OtlpCollector {
  /** `http://127.0.0.1:PORT` (traces are taken at `/v1/traces`). */
  url: string;
  spans: CollectedSpan[];
  /** Requests received: path, content type and headers (credentials shown as `[present]`). */
  requests: Array<{ path: string; contentType: string; headers: Record<string, string> }>;
  /** Answer the next `times` requests with `status` (and `retry-after` seconds). */
  failNext(spec: { status: number; times?: number; retryAfter?: number }): void;
  close(): Promise<void>;
}

const hex = (value: unknown, encoding: 'protobuf' | 'json') =>
  typeof value !== 'string' || !value
    ? ''
    : encoding === 'json'
      ? value.toLowerCase()
      : Buffer.from(value, 'base64').toString('hex');

const STATUS = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
const KINDS = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const enumName = (value: unknown, names: string[]) =>
  typeof value === 'number' ? names[value] : String(value ?? names[0]);

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A loopback OpenTelemetry collector stand-in for OTLP/HTTP: `POST /v1/traces` with
 * `application/x-protobuf` (decoded with the official opentelemetry-proto message definitions)
 * or `application/json` (OTLP/JSON: camelCase, hex ids). Received spans are flattened into
 * `spans` for assertions.
 *
 * @example
 * const collector = await startOtlpCollector();
 * // exporter url: `${collector.url}/v1/traces`
 * collector.spans[0].attributes['gen_ai.request.model']; // 'gpt-4o-mini'
 */
export async function startOtlpCollector(options: { port?: number } = {}): Promise<OtlpCollector> {
  const spans: CollectedSpan[] = [];
  const requests: OtlpCollector['requests'] = [];
  const failures: Array<{ status: number; remaining: number; retryAfter?: number }> = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const contentType = String(req.headers['content-type'] ?? '');
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [
        k,
        /authorization|api-key|token/i.test(k) ? '[present]' : String(v),
      ]),
    );
    requests.push({ path: req.url ?? '', contentType, headers });
    const failure = failures[0];
    if (failure) {
      if (--failure.remaining <= 0) failures.shift();
      res.writeHead(failure.status, {
        'content-type': 'application/json',
        ...(failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {}),
      });
      res.end(JSON.stringify({ code: failure.status, message: 'injected failure' }));
      return;
    }
    if (req.method !== 'POST' || !req.url?.startsWith('/v1/traces')) {
      res.writeHead(404).end();
      return;
    }
    const encoding = contentType.includes('json') ? 'json' : 'protobuf';
    let resourceSpans: Array<Record<string, any>>;
    try {
      resourceSpans =
        encoding === 'json'
          ? (JSON.parse(body.toString('utf8')).resourceSpans ?? [])
          : (decodeTraceRequest(body) as Array<Record<string, any>>);
    } catch (err) {
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 3, message: `cannot decode: ${String(err)}` }));
      return;
    }
    for (const rs of resourceSpans) {
      const resource = attributeMap(rs.resource?.attributes as ProtoJsonKeyValue[]);
      for (const ss of rs.scope_spans ?? rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          const pick = (snake: string, camel: string) => s[snake] ?? s[camel];
          spans.push({
            traceId: hex(pick('trace_id', 'traceId'), encoding),
            spanId: hex(pick('span_id', 'spanId'), encoding),
            parentSpanId: hex(pick('parent_span_id', 'parentSpanId'), encoding),
            name: s.name,
            kind: enumName(s.kind, KINDS),
            startTimeUnixNano: String(pick('start_time_unix_nano', 'startTimeUnixNano')),
            endTimeUnixNano: String(pick('end_time_unix_nano', 'endTimeUnixNano')),
            attributes: attributeMap(s.attributes),
            events: (s.events ?? []).map((e: Record<string, any>) => ({
              name: e.name,
              timeUnixNano: String(e.time_unix_nano ?? e.timeUnixNano),
              attributes: attributeMap(e.attributes),
            })),
            status: {
              code: enumName(s.status?.code, STATUS),
              ...(s.status?.message ? { message: s.status.message } : {}),
            },
            resource,
            scope: ss.scope?.name ?? '',
            encoding,
          });
        }
      }
    }
    if (encoding === 'json') res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    else
      res
        .writeHead(200, { 'content-type': 'application/x-protobuf' })
        .end(Buffer.from(encodeTraceResponse()));
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    requests,
    failNext: (spec) =>
      failures.push({ status: spec.status, remaining: spec.times ?? 1, retryAfter: spec.retryAfter }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
