import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { SpanType, trace, updateCurrentTrace } from '@autolog/core';
import type OpenAI from 'openai';

type Message = { role: 'system' | 'user' | 'assistant'; content: string };

/** Deployment facts recorded on every trace, from the environment (as in the seed notebook). */
export function deploymentMetadata(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return {
    'mlflow.source.type': env.APP_ENVIRONMENT ?? 'development',
    app_version: env.APP_VERSION ?? '1.0.0',
    deployment_id: env.DEPLOYMENT_ID ?? 'unknown',
  };
}

/**
 * A chat service: `POST /chat` with `{ "message": "…" }`, the user and session in the
 * `x-user-id` and `x-session-id` headers. Each request is one trace: the `chat` span, the
 * OpenAI call under it (with token usage, from @autolog/openai), user and session as trace
 * metadata, app version and environment from the environment.
 */
export function createChatApp(client: OpenAI, model: string): Server {
  const history = new Map<string, Message[]>();

  const chat = trace(
    async function chat(userId: string, sessionId: string, message: string) {
      updateCurrentTrace({
        metadata: { 'mlflow.trace.user': userId, 'mlflow.trace.session': sessionId, ...deploymentMetadata() },
        tags: { query_category: message.trim().endsWith('?') ? 'question' : 'chat' },
      });
      const messages: Message[] = [
        { role: 'system', content: 'You are a helpful assistant. Give brief, 1-2 sentence responses.' },
        ...(history.get(sessionId) ?? []),
        { role: 'user', content: message },
      ];
      const completion = await client.chat.completions.create({ model, messages });
      const answer = completion.choices[0].message.content ?? '';
      history.set(sessionId, [...messages.slice(1), { role: 'assistant', content: answer }].slice(-20));
      return answer;
    },
    { spanType: SpanType.CHAIN },
  );

  return createServer((req, res) => {
    void handle(req, res).catch((err) => reply(res, 500, { error: String(err?.message ?? err) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || req.url !== '/chat') return reply(res, 404, { error: 'POST /chat only' });
    const userId = String(req.headers['x-user-id'] ?? 'anonymous');
    const sessionId = String(req.headers['x-session-id'] ?? `${userId}-default`);
    const body = JSON.parse(await readBody(req)) as { message?: unknown };
    if (typeof body.message !== 'string' || !body.message)
      return reply(res, 400, { error: 'body must be {"message": "…"}' });
    const answer = await chat(userId, sessionId, body.message);
    reply(res, 200, { answer });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => resolve(data || '{}'));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
