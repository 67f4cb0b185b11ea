import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type OpenAIServer, startOpenAIServer } from '../src/index.js';
import { type ClientFlavor, flavors } from './clients.js';

const API_KEY = 'sk-testkit-0123456789abcdef';
const MODEL = 'gpt-4o-mini';

describe.each(flavors)('with $name', (flavor: ClientFlavor) => {
  let server: OpenAIServer;
  let client: any;

  beforeAll(async () => {
    server = await startOpenAIServer({ apiKey: API_KEY });
    client = flavor.makeClient({ baseURL: server.url, apiKey: API_KEY, maxRetries: 0 });
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  describe('errors, retries and aborts', () => {
    it('retries a 429 after retry-after and then succeeds', async () => {
      const retrying = flavor.makeClient({ baseURL: server.url, apiKey: API_KEY, maxRetries: 1 });
      server.failNext({ status: 429, retryAfter: 0.05 });
      const completion = await retrying.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'again' }],
      });
      expect(completion.choices[0].message.content).toBe('Echo: again');
      expect(server.requests.map((r) => r.response.status)).toEqual([429, 200]);
    });

    it('surfaces a 429 as RateLimitError with OpenAI’s error fields when retries run out', async () => {
      server.failNext({ status: 429, retryAfter: 1 });
      const error = await client.chat.completions
        .create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(flavor.errors.RateLimitError);
      expect(error.code).toBe('rate_limit_exceeded');
      expect(error.type).toBe('requests');
      expect(error.headers.get?.('retry-after') ?? error.headers['retry-after']).toBe('1');
      expect(flavor.requestId(error)).toMatch(/^req_/);
    });

    it('surfaces a 400 as BadRequestError with the server’s message', async () => {
      server.failNext({
        status: 400,
        message: "Invalid 'messages[0].role': bad",
        param: 'messages[0].role',
        path: /chat/,
      });
      const error = await client.chat.completions
        .create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(flavor.errors.BadRequestError);
      expect(error.status).toBe(400);
      expect(error.message).toContain("Invalid 'messages[0].role': bad");
      expect(error.param).toBe('messages[0].role');
    });

    it('validates required parameters like the real API', async () => {
      const error = await client.chat.completions.create({ model: MODEL } as any).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(flavor.errors.BadRequestError);
      expect(error.message).toContain("Missing required parameter: 'messages'.");
    });

    it('rejects a wrong key with 401 and never records the raw key', async () => {
      const wrong = flavor.makeClient({ baseURL: server.url, apiKey: 'sk-wrong-key-999999', maxRetries: 0 });
      const error = await wrong.models.list().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(flavor.errors.AuthenticationError);
      expect(error.code).toBe('invalid_api_key');
      await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: `my key is ${API_KEY}` }],
      });
      const recorded = JSON.stringify(server.requests);
      expect(recorded).not.toContain(API_KEY);
      expect(recorded).not.toContain('sk-wrong-key-999999');
      expect(server.requests[1].headers.authorization).toBe('[present]');
      expect((server.requests[1].body as any).messages[0].content).toBe('my key is [redacted]');
    });

    it('stops the server-side stream when the client aborts', async () => {
      const stream = await client.chat.completions.create(
        { model: MODEL, messages: [{ role: 'user', content: 'a long answer please' }], stream: true },
        { headers: { 'x-testkit-chunks': '20', 'x-testkit-chunk-delay-ms': '25' } },
      );
      let received = 0;
      for await (const _chunk of stream) {
        if (++received === 3) break; // breaking aborts the request
      }
      await server.idle();
      const { response } = server.requests[0];
      expect(response.aborted).toBe(true);
      expect(response.finished).toBe(false);
      expect(response.events).toBeLessThan(10);
    });

    it('fails a stream mid-way with an error event when asked', async () => {
      server.failNext({ status: 500, afterEvents: 2 });
      const stream = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'one two three four' }],
        stream: true,
      });
      const seen: unknown[] = [];
      const error: any = await (async () => {
        for await (const chunk of stream) seen.push(chunk);
      })().catch((e: unknown) => e);
      expect(seen).toHaveLength(2);
      expect(error).toBeInstanceOf(flavor.errors.APIError);
      expect(String(error.message)).toContain('The server had an error');
    });

    it('answers unknown paths with OpenAI’s Invalid URL error', async () => {
      const error: any = await client.get('/nope').catch((e: unknown) => e);
      expect(error.status).toBe(404);
      expect(error.message).toContain('Invalid URL (GET /v1/nope)');
    });
  });
});

describe('server options', () => {
  it('waits latencyMs before the first byte', async () => {
    const server = await startOpenAIServer({ latencyMs: 120 });
    try {
      const client = flavors[0].makeClient({ baseURL: server.url, apiKey: 'anything' });
      const started = Date.now();
      await client.models.list();
      expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    } finally {
      await server.close();
    }
  });

  it('rejects a body that is not valid JSON like OpenAI does', async () => {
    const server = await startOpenAIServer();
    try {
      const response = await fetch(`${server.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"model":',
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as any).error.message).toContain(
        'We could not parse the JSON body of your request.',
      );
    } finally {
      await server.close();
    }
  });

  it('serves extra routes before the built-in ones', async () => {
    const server = await startOpenAIServer({
      routes: [
        {
          method: 'GET',
          path: '/threads/:thread_id',
          handle: (ctx) => ctx.json(200, { id: ctx.params.thread_id, object: 'thread' }),
        },
      ],
    });
    try {
      const response = await fetch(`${server.url}/threads/thread_abc`);
      expect(await response.json()).toEqual({ id: 'thread_abc', object: 'thread' });
    } finally {
      await server.close();
    }
  });
});
