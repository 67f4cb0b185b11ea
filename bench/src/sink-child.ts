/**
 * The loopback sink, run in a child process so its CPU is not charged to the measured process.
 * It accepts any method and path on 127.0.0.1, drains the body, replies 200 `{}` (LangSmith's
 * `GET /info` gets a plausible server-info document), and counts what each library delivered:
 *
 * - `/<key>/.../v1/traces` (OTLP/HTTP JSON, from the OpenTelemetry exporter): spans in the payload.
 * - `/<key>/runs/multipart` (LangSmith): distinct run ids in `post.<id>` / `patch.<id>` parts.
 * - `/<key>/runs/batch` (LangSmith JSON fallback): distinct run ids in `post` / `patch`.
 *
 * `<key>` is the first path segment; each adapter is given its own base URL so counts never mix.
 * The parent talks to it over the IPC channel: `{type:'stats', id}` and `{type:'reset', id}`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

interface KeyStats {
  requests: number;
  bytes: number;
  /** Spans (OTLP) or distinct runs (LangSmith) received. */
  spans: number;
  parseErrors: number;
  paths: Record<string, number>;
}

const stats = new Map<string, KeyStats>();
const runIds = new Map<string, Set<string>>();

function keyStats(key: string): KeyStats {
  let s = stats.get(key);
  if (!s) {
    s = { requests: 0, bytes: 0, spans: 0, parseErrors: 0, paths: {} };
    stats.set(key, s);
  }
  return s;
}

function addRunId(key: string, id: string): void {
  let set = runIds.get(key);
  if (!set) {
    set = new Set();
    runIds.set(key, set);
  }
  if (!set.has(id)) {
    set.add(id);
    keyStats(key).spans++;
  }
}

const LANGSMITH_INFO = JSON.stringify({
  version: '0.10.0',
  license_expiration_time: null,
  batch_ingest_config: {
    use_multipart_endpoint: true,
    scale_up_qsize_trigger: 1000,
    scale_up_nthreads_limit: 16,
    scale_down_nempty_trigger: 4,
    size_limit: 100,
    size_limit_bytes: 20971520,
  },
  instance_flags: process.env.BENCH_LANGSMITH_GZIP === '1' ? { gzip_body_enabled: true } : {},
});

function decode(body: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').toLowerCase()) {
    case 'gzip':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    case 'br':
      return brotliDecompressSync(body);
    default:
      return body;
  }
}

function countOtlpJson(text: string): number {
  const doc = JSON.parse(text) as {
    resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[];
  };
  let n = 0;
  for (const rs of doc.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) n += ss.spans?.length ?? 0;
  return n;
}

const RUN_PART = /name="(?:post|patch)\.([0-9a-fA-F-]{36})"/g;

function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const url = req.url ?? '/';
  const path = url.split('?')[0];
  const key = path.split('/')[1] || '(root)';
  const s = keyStats(key);
  s.requests++;
  s.bytes += body.length;
  const rest = path.slice(key.length + 1) || '/';
  const pathKey = `${req.method} ${rest}`;
  s.paths[pathKey] = (s.paths[pathKey] ?? 0) + 1;

  if (req.method === 'GET' && rest === '/info') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(LANGSMITH_INFO);
    return;
  }
  try {
    if (req.method === 'POST' && body.length > 0) {
      const decoded = decode(body, req.headers['content-encoding'] as string | undefined);
      const ctype = String(req.headers['content-type'] ?? '');
      if (rest.endsWith('/v1/traces')) {
        if (ctype.includes('json')) s.spans += countOtlpJson(decoded.toString('utf8'));
        else s.parseErrors++; // protobuf: not counted (none of the adapters send it)
      } else if (rest.endsWith('/runs/multipart')) {
        const text = decoded.toString('latin1');
        for (const m of text.matchAll(RUN_PART)) addRunId(key, m[1]);
      } else if (rest.endsWith('/runs/batch')) {
        const doc = JSON.parse(decoded.toString('utf8')) as {
          post?: { id: string }[];
          patch?: { id: string }[];
        };
        for (const r of doc.post ?? []) addRunId(key, r.id);
        for (const r of doc.patch ?? []) addRunId(key, r.id);
      }
    }
  } catch {
    s.parseErrors++;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{}');
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  req.on('error', () => res.destroy());
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.requestTimeout = 0;
server.maxRequestsPerSocket = 0;

type Msg = { type: 'stats' | 'reset' | 'stop'; id: number; key?: string };

process.on('message', (msg: Msg) => {
  if (msg.type === 'stats') {
    process.send?.({ type: 'reply', id: msg.id, stats: Object.fromEntries(stats) });
  } else if (msg.type === 'reset') {
    if (msg.key) {
      stats.delete(msg.key);
      runIds.delete(msg.key);
    } else {
      stats.clear();
      runIds.clear();
    }
    process.send?.({ type: 'reply', id: msg.id });
  } else if (msg.type === 'stop') {
    server.close();
    server.closeAllConnections();
    process.send?.({ type: 'reply', id: msg.id });
    process.disconnect?.();
  }
});
process.on('disconnect', () => {
  server.close();
  server.closeAllConnections();
});

server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  process.send?.({ type: 'ready', port });
});
