/** How requests to a tracking server authenticate. Held in closures, never in enumerable fields. */
export type Credentials =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'oauth'; tokenUrl: string; clientId: string; clientSecret: string };

/** The `Authorization` header value for static credentials (OAuth is resolved by the caller). */
export function authorization(credentials: Credentials): string | undefined {
  switch (credentials.kind) {
    case 'bearer':
      return `Bearer ${credentials.token}`;
    case 'basic':
      return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    default:
      return undefined;
  }
}

/** Every string of these credentials that must never be printed. */
export function secretsOf(credentials: Credentials): string[] {
  switch (credentials.kind) {
    case 'bearer':
      return [credentials.token];
    case 'basic': {
      const header = authorization(credentials)!;
      return [credentials.password, header.slice('Basic '.length)];
    }
    case 'oauth':
      return [credentials.clientSecret];
    default:
      return [];
  }
}

/**
 * MLflow's own environment variables for a tracking server: `MLFLOW_TRACKING_TOKEN` (bearer)
 * or `MLFLOW_TRACKING_USERNAME` / `MLFLOW_TRACKING_PASSWORD` (basic auth).
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials {
  if (env.MLFLOW_TRACKING_TOKEN) return { kind: 'bearer', token: env.MLFLOW_TRACKING_TOKEN };
  if (env.MLFLOW_TRACKING_USERNAME || env.MLFLOW_TRACKING_PASSWORD) {
    return {
      kind: 'basic',
      username: env.MLFLOW_TRACKING_USERNAME ?? '',
      password: env.MLFLOW_TRACKING_PASSWORD ?? '',
    };
  }
  return { kind: 'none' };
}
