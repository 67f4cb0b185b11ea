import { currentFrame, type Frame, runInFrame } from './context.js';
import { describeError, diag } from './diag.js';

/** Outgoing headers: a plain object (`fetch`, `http.request`, axios) or a `Headers`-like object with `set`. */
export type OutgoingHeaders = Record<string, unknown> | { set(name: string, value: string): unknown };
/** Incoming headers: Node's `IncomingHttpHeaders`, a plain object, or a `Headers`-like object with `get`. */
export type IncomingHeaders =
  | Record<string, string | string[] | undefined>
  | { get(name: string): string | null | undefined };

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The parts of a W3C `traceparent` header, or undefined for a missing or invalid one. */
export function parseTraceparent(
  value: string | null | undefined,
): { traceId: string; spanId: string; sampled: boolean } | undefined {
  const match = TRACEPARENT.exec(
    String(value ?? '')
      .trim()
      .toLowerCase(),
  );
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  // Version ff is invalid; version 00 has nothing after the flags.
  if (version === 'ff' || (version === '00' && rest) || /^0+$/.test(traceId) || /^0+$/.test(spanId))
    return undefined;
  return { traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

/**
 * The W3C `traceparent` of the current span (`00-<trace id>-<span id>-01`), or undefined
 * outside of any recorded span. The trace id is the OpenTelemetry id inside Autolog's `tr-…`.
 *
 * @example
 * withSpan(() => getTraceparent(), { name: 'call' }); // '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
 */
export function getTraceparent(): string | undefined {
  const span = currentFrame()?.span;
  if (!span?.isRecording || span.ended) return undefined;
  return `00-${span.otelTraceId}-${span.spanId}-01`;
}

/**
 * Puts the current trace context into outgoing HTTP headers (W3C `traceparent`), so the
 * service called can continue this trace with `continueTrace`. Returns the same headers
 * object; outside of any span it is returned unchanged. Never throws.
 *
 * @example
 * await withSpan(() => fetch(url, { headers: injectTraceContext({ 'content-type': 'application/json' }) }), { name: 'call-tools-service' });
 */
export function injectTraceContext<H extends OutgoingHeaders>(headers: H = {} as H): H {
  try {
    const value = getTraceparent();
    if (!value) return headers;
    if (typeof (headers as { set?: unknown }).set === 'function')
      (headers as { set(n: string, v: string): unknown }).set('traceparent', value);
    else (headers as Record<string, unknown>).traceparent = value;
  } catch (err) {
    diag.once('warn', 'inject-trace-context', `injectTraceContext failed: ${describeError(err)}`);
  }
  return headers;
}

function header(headers: IncomingHeaders | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function')
    return (headers as { get(n: string): string | null | undefined }).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Runs `fn` so that the trace it starts continues the caller's trace from incoming headers
 * (W3C `traceparent`): the trace keeps the caller's trace id (`tr-<caller's trace id>`), its
 * root span's parent is the caller's span (recorded as `autolog.otel.parent_span_id`, and
 * metadata `autolog.parent_span_id`), and everything traced inside becomes part of it. Without
 * a valid `traceparent`, `fn` runs as usual and starts a trace of its own.
 *
 * How the parts come together: OTLP backends join them by trace id and parent span; an MLflow
 * server with span logging (MLflow ≥ 3.4, SQL backend) merges this service's spans into the
 * caller's trace; each local store keeps its service's part under the caller's trace id.
 *
 * @example
 * app.post('/tools/search', (req, res) => continueTrace(req.headers, () => searchTool(req.body)).then((r) => res.json(r)));
 */
export function continueTrace<T>(headers: IncomingHeaders | undefined, fn: () => T): T {
  let frame: Frame | undefined;
  try {
    const parent = parseTraceparent(header(headers, 'traceparent'));
    if (parent) {
      const outer = currentFrame();
      frame = {
        metadata: { ...outer?.metadata, 'autolog.parent_span_id': parent.spanId },
        tags: outer?.tags,
        disabled: outer?.disabled,
        remoteParent: { traceId: parent.traceId, spanId: parent.spanId },
      };
    }
  } catch (err) {
    diag.once(
      'warn',
      'continue-trace',
      `continueTrace could not read the incoming headers: ${describeError(err)}`,
    );
  }
  return frame ? runInFrame(frame, fn) : fn();
}
