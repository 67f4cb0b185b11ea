import { ExportError } from '../export-error.js';
import { authorization, type Credentials, secretsOf } from './credentials.js';
import { describeUrl, type HttpTarget, untraced } from './http-client.js';

/**
 * An `HttpTarget` for a tracking server: the credentials live in this closure only (never in
 * an enumerable field, so they cannot be logged or serialised with the destination). OAuth
 * machine-to-machine credentials (Databricks service principals) are exchanged for an access
 * token that is cached until a minute before it expires.
 *
 * @example
 * const target = httpTarget('http://127.0.0.1:5000', { kind: 'basic', username: 'u', password: 'p' }, 10_000);
 */
export function httpTarget(baseUrl: string, credentials: Credentials, timeoutMs: number): HttpTarget {
  let cached: { token: string; until: number } | undefined;
  const secrets = () => [...secretsOf(credentials), ...(cached ? [cached.token] : [])];
  /** One token request at a time: calls that need a token while it is being fetched wait for it. */
  let fetching: Promise<string> | undefined;
  const oauthToken = (): Promise<string> => {
    if (cached && cached.until > Date.now()) return Promise.resolve(cached.token);
    fetching ??= fetchToken().finally(() => {
      fetching = undefined;
    });
    return fetching;
  };
  const fetchToken = async (): Promise<string> => {
    if (credentials.kind !== 'oauth') throw new Error('not OAuth');
    const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64');
    let res: Response;
    try {
      res = await untraced(() =>
        fetch(credentials.tokenUrl, {
          method: 'POST',
          headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials&scope=all-apis',
          signal: AbortSignal.timeout(timeoutMs),
        }),
      );
    } catch (err) {
      throw new ExportError(
        `POST ${describeUrl(credentials.tokenUrl)} (OAuth token) failed: ${(err as Error)?.message ?? 'network error'}`,
        { retryable: true },
      );
    }
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number };
    if (!res.ok || !body.access_token) {
      throw new ExportError(
        `POST ${describeUrl(credentials.tokenUrl)} (OAuth token) answered ${res.status}`,
        { retryable: res.status >= 500 || res.status === 429, status: res.status },
      );
    }
    cached = {
      token: body.access_token,
      until: Date.now() + Math.max(0, (body.expires_in ?? 3600) - 60) * 1000,
    };
    return cached.token;
  };
  return {
    baseUrl,
    timeoutMs,
    secrets,
    async authHeaders(): Promise<Record<string, string>> {
      const value =
        credentials.kind === 'oauth' ? `Bearer ${await oauthToken()}` : authorization(credentials);
      return value ? { authorization: value } : ({} as Record<string, string>);
    },
  };
}
