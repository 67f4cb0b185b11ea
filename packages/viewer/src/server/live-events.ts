/**
 * Live updates over Server-Sent Events (`GET /api/events`): while at least one page listens,
 * the store's `data_version` is polled (no I/O) and a `change` event is pushed when another
 * process (the traced app) has committed. Pages then re-read what they show.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

const HEARTBEAT_MS = 15_000;

/** One SSE channel shared by every open page. */
export class LiveEvents {
  private readonly clients = new Set<ServerResponse>();
  private poll: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private lastVersion: number | undefined;
  private changes = 0;

  constructor(
    private readonly version: () => number,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Number of open event streams. */
  get size(): number {
    return this.clients.size;
  }

  /** Takes over the response as an event stream until the page goes away. */
  subscribe(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(`retry: 2000\nevent: hello\ndata: {"changes":${this.changes}}\n\n`);
    this.clients.add(res);
    req.on('close', () => this.drop(res));
    this.start();
  }

  /** Ends every stream and stops polling. */
  close(): void {
    for (const res of this.clients) res.end();
    this.clients.clear();
    this.stop();
  }

  private drop(res: ServerResponse): void {
    this.clients.delete(res);
    if (this.clients.size === 0) this.stop();
  }

  private start(): void {
    if (this.poll) return;
    this.lastVersion = this.safeVersion();
    this.poll = setInterval(() => this.check(), this.intervalMs);
    this.heartbeat = setInterval(() => this.broadcast(': keep-alive\n\n'), HEARTBEAT_MS);
    this.poll.unref();
    this.heartbeat.unref();
  }

  private stop(): void {
    clearInterval(this.poll);
    clearInterval(this.heartbeat);
    this.poll = undefined;
    this.heartbeat = undefined;
  }

  private safeVersion(): number | undefined {
    try {
      return this.version();
    } catch (error) {
      this.onError(error);
      return undefined;
    }
  }

  private check(): void {
    const version = this.safeVersion();
    if (version === undefined || version === this.lastVersion) return;
    this.lastVersion = version;
    this.changes++;
    this.broadcast(`event: change\ndata: {"changes":${this.changes}}\n\n`);
  }

  private broadcast(text: string): void {
    for (const res of this.clients) res.write(text);
  }
}
