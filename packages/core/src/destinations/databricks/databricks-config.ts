import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AutologError } from '../../errors.js';
import type { Credentials } from '../mlflow/credentials.js';

/** A Databricks workspace and how to authenticate to it. */
export interface DatabricksConfig {
  /** `https://<workspace host>`, without a trailing slash. */
  host: string;
  credentials: Credentials;
  /** Where the settings came from, for the startup log (never a secret). */
  source: string;
}

/** Sections of an INI file such as `~/.databrickscfg` (`[profile]`, `key = value`, `#`/`;` comments). */
export function parseIni(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = out[header[1].trim()] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0 && section) section[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  return out;
}

function normalizeHost(host: string): string {
  const withScheme = /^https?:\/\//i.test(host) ? host : `https://${host}`;
  return withScheme.replace(/\/+$/, '');
}

function credentialsOf(values: Record<string, string | undefined>, host: string): Credentials | undefined {
  if (values.token) return { kind: 'bearer', token: values.token };
  if (values.client_id && values.client_secret) {
    return {
      kind: 'oauth',
      tokenUrl: `${host}/oidc/v1/token`,
      clientId: values.client_id,
      clientSecret: values.client_secret,
    };
  }
  if (values.username && values.password)
    return { kind: 'basic', username: values.username, password: values.password };
  return undefined;
}

/**
 * Resolves a Databricks workspace like MLflow does: `databricks` uses `DATABRICKS_HOST` with
 * `DATABRICKS_TOKEN` (or `DATABRICKS_CLIENT_ID` / `DATABRICKS_CLIENT_SECRET`) when set, else the
 * profile `DATABRICKS_CONFIG_PROFILE` (default `DEFAULT`) of `~/.databrickscfg`
 * (`DATABRICKS_CONFIG_FILE` overrides the path); `databricks://<profile>` always reads that
 * profile. Throws `AutologError` (`INVALID_DESTINATION`) saying what is missing.
 *
 * @example
 * // ~/.databrickscfg:  [staging]\nhost = https://adb-123.azuredatabricks.net\ntoken = dapi…
 * resolveDatabricksConfig('databricks://staging').host; // 'https://adb-123.azuredatabricks.net'
 */
export function resolveDatabricksConfig(uri: string, env: NodeJS.ProcessEnv = process.env): DatabricksConfig {
  const match = /^databricks(?::\/\/([^/?#]*))?/.exec(uri.trim());
  const explicit = match?.[1] ? decodeURIComponent(match[1].split(':')[0]) : undefined;
  if (!explicit && env.DATABRICKS_HOST) {
    const host = normalizeHost(env.DATABRICKS_HOST);
    const credentials = credentialsOf(
      {
        token: env.DATABRICKS_TOKEN,
        client_id: env.DATABRICKS_CLIENT_ID,
        client_secret: env.DATABRICKS_CLIENT_SECRET,
        username: env.DATABRICKS_USERNAME,
        password: env.DATABRICKS_PASSWORD,
      },
      host,
    );
    if (!credentials) {
      throw new AutologError(
        'INVALID_DESTINATION',
        `Databricks: DATABRICKS_HOST is set but no credentials are; set DATABRICKS_TOKEN (a personal access token) or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET.`,
      );
    }
    return { host, credentials, source: 'DATABRICKS_HOST' };
  }
  const profile = explicit ?? env.DATABRICKS_CONFIG_PROFILE ?? 'DEFAULT';
  const file = env.DATABRICKS_CONFIG_FILE ?? join(env.HOME || homedir(), '.databrickscfg');
  if (!existsSync(file)) {
    throw new AutologError(
      'INVALID_DESTINATION',
      `Databricks: no workspace configured; set DATABRICKS_HOST and DATABRICKS_TOKEN, or create ${file} with a [${profile}] profile (host, token).`,
    );
  }
  const values = parseIni(readFileSync(file, 'utf8'))[profile];
  if (!values)
    throw new AutologError(
      'INVALID_DESTINATION',
      `Databricks: profile [${profile}] not found in ${file}; add it (host, token) or use databricks://<profile> with an existing one.`,
    );
  if (!values.host)
    throw new AutologError(
      'INVALID_DESTINATION',
      `Databricks: profile [${profile}] in ${file} has no "host".`,
    );
  const host = normalizeHost(values.host);
  const credentials = credentialsOf(values, host);
  if (!credentials) {
    throw new AutologError(
      'INVALID_DESTINATION',
      `Databricks: profile [${profile}] in ${file} has no credentials; add "token" (a personal access token) or "client_id" and "client_secret".`,
    );
  }
  return { host, credentials, source: `${file} [${profile}]` };
}
