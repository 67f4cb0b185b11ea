import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CredentialType, type MlflowServer, startMlflowServer } from '@autolog/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveDatabricksConfig } from '../../src/destinations/databricks/databricks-config.js';
import { AutologError, DatabricksDestination, flushTraces, init } from '../../src/index.js';
import { captureLogs, statsOf, tmpSpool, traceMany } from './helpers.js';

const TOKEN = 'dapi0123456789abcdef0123456789abcdef';
const saved = { ...process.env };
let server: MlflowServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

/** A temp HOME with this ~/.databrickscfg. */
function home(cfg: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'autolog-home-'));
  writeFileSync(join(dir, '.databrickscfg'), cfg);
  return dir;
}

describe('Databricks configuration', () => {
  it('takes DATABRICKS_HOST and DATABRICKS_TOKEN for "databricks"', () => {
    const env = { DATABRICKS_HOST: 'adb-123.azuredatabricks.net/', DATABRICKS_TOKEN: TOKEN, HOME: home('') };
    expect(resolveDatabricksConfig('databricks', env)).toMatchObject({
      host: 'https://adb-123.azuredatabricks.net',
      credentials: { kind: 'bearer', token: TOKEN },
      source: 'DATABRICKS_HOST',
    });
  });

  it('reads the DEFAULT profile, DATABRICKS_CONFIG_PROFILE, or databricks://<profile> from ~/.databrickscfg', () => {
    const HOME = home(
      `; comment\n[DEFAULT]\nhost = https://default.cloud.databricks.com\ntoken = ${TOKEN}\n\n[staging]\nhost=https://staging.cloud.databricks.com\nclient_id = sp-1\nclient_secret = s3cret\n`,
    );
    expect(resolveDatabricksConfig('databricks', { HOME }).host).toBe('https://default.cloud.databricks.com');
    expect(resolveDatabricksConfig('databricks', { HOME, DATABRICKS_CONFIG_PROFILE: 'staging' }).host).toBe(
      'https://staging.cloud.databricks.com',
    );
    const staging = resolveDatabricksConfig('databricks://staging', {
      HOME,
      DATABRICKS_HOST: 'https://ignored',
      DATABRICKS_TOKEN: TOKEN,
    });
    expect(staging).toMatchObject({
      host: 'https://staging.cloud.databricks.com',
      credentials: {
        kind: 'oauth',
        clientId: 'sp-1',
        tokenUrl: 'https://staging.cloud.databricks.com/oidc/v1/token',
      },
    });
    expect(staging.source).toContain('[staging]');
  });

  it('says what is missing: no config at all, an unknown profile, a profile without credentials', () => {
    const bare = mkdtempSync(join(tmpdir(), 'autolog-home-'));
    const fail = (uri: string, env: NodeJS.ProcessEnv) => {
      try {
        resolveDatabricksConfig(uri, env);
      } catch (err) {
        expect(err).toBeInstanceOf(AutologError);
        return (err as AutologError).message;
      }
      throw new Error('did not throw');
    };
    expect(fail('databricks', { HOME: bare })).toMatch(
      /set DATABRICKS_HOST and DATABRICKS_TOKEN, or create .*\.databrickscfg/,
    );
    expect(fail('databricks://nope', { HOME: home('[DEFAULT]\nhost=h\ntoken=t\n') })).toContain(
      'profile [nope] not found',
    );
    expect(fail('databricks', { HOME: home('[DEFAULT]\nhost=h\n') })).toContain('has no credentials');
    expect(fail('databricks', { DATABRICKS_HOST: 'h', HOME: bare })).toContain('no credentials are');
  });
});

const TYPES: CredentialType[] = [
  'AWS_PRESIGNED_URL',
  'GCP_SIGNED_URL',
  'AZURE_SAS_URI',
  'AZURE_ADLS_GEN2_SAS_URI',
];

describe('Databricks destination', () => {
  for (const credentialType of TYPES) {
    it(`uploads span data to the signed URL of credentials-for-data-upload (${credentialType}) and reads it back`, async () => {
      server = await startMlflowServer({ auth: { token: TOKEN }, databricks: { credentialType } });
      process.env.HOME = home(`[ws]\nhost = ${server.url}\ntoken = ${TOKEN}\n`);
      init({
        silent: true,
        destination: 'databricks://ws',
        experimentName: '/Users/ana@example.com/bot',
        spool: tmpSpool(),
      });
      const [id] = traceMany(1);
      expect(await flushTraces(10_000)).toBe(true);
      expect(statsOf('databricks')).toMatchObject({ exported: 1, dropped: 0 });
      const calls = server.requests.map((r) => `${r.method} ${r.path}`);
      expect(calls).not.toContain('POST /v1/traces');
      expect(calls).toContain(`GET /api/2.0/mlflow/traces/${id}/credentials-for-data-upload`);
      const spans = JSON.parse(server.state.blobs.get(`${id}/traces.json`)!.toString('utf8')).spans;
      expect(spans.map((s: { name: string }) => s.name)).toEqual(['work', 'llm']);
      const signed = server.requests.filter((r) => r.path.startsWith('/signed-storage/'));
      expect(signed.every((r) => r.headers.authorization === undefined)).toBe(true); // the workspace token never goes to storage
      const destination = new DatabricksDestination({
        uri: 'databricks://ws',
        experimentName: '/Users/ana@example.com/bot',
      });
      const back = await destination.getTrace(id);
      expect(back?.data.spans.map((s) => s.name)).toEqual(['work', 'llm']);
    });
  }

  const CLIENT_ID = 'sp-6f1e2d3c';
  const SECRET = 'dose0123456789abcdef0123456789ab';

  /**
   * A workspace that takes this service principal (tokens living `expiresInSeconds`), and a
   * profile [sp] for it with `secret`.
   */
  async function oauthWorkspace(secret: string, expiresInSeconds?: number): Promise<void> {
    server = await startMlflowServer({
      databricks: {
        credentialType: 'AWS_PRESIGNED_URL',
        oauth: { clientId: CLIENT_ID, clientSecret: SECRET, expiresInSeconds },
      },
    });
    process.env.HOME = home(
      `[sp]\nhost = ${server.url}\nclient_id = ${CLIENT_ID}\nclient_secret = ${secret}\n`,
    );
  }
  const tokenRequests = () => server!.requests.filter((r) => r.path === '/oidc/v1/token').length;

  it('exchanges a service principal for an OAuth token, reuses it, and takes a new one when it expires', async () => {
    await oauthWorkspace(SECRET, 3600);
    init({ silent: true, destination: 'databricks://sp', spool: tmpSpool() });
    traceMany(3);
    expect(await flushTraces(10_000)).toBe(true);
    traceMany(2);
    expect(await flushTraces(10_000)).toBe(true);
    expect(statsOf('databricks')).toMatchObject({ exported: 5, dropped: 0 });
    expect(server!.state.traces.size).toBe(5);
    expect(tokenRequests()).toBe(1);
    // Every API call carried a token the workspace issued (the server refuses anything else).
    const api = server!.requests.filter((r) => r.path.startsWith('/api/'));
    expect(api.length).toBeGreaterThan(0);
    expect(api.every((r) => r.status < 400 && r.headers.authorization === '[present]')).toBe(true);
    await server!.close();

    // A token that expires within the minute of margin is not reused: each export takes a new one.
    await oauthWorkspace(SECRET, 30);
    init({ silent: true, destination: 'databricks://sp', spool: tmpSpool() });
    traceMany(1);
    await flushTraces(10_000);
    traceMany(1);
    await flushTraces(10_000);
    expect(server!.state.traces.size).toBe(2);
    expect(tokenRequests()).toBeGreaterThanOrEqual(2);
  });

  it('refuses a wrong client secret without retrying, and the secret appears in no error or log', async () => {
    const wrong = 'dose-wrong-0123456789abcdef012345';
    await oauthWorkspace(wrong);
    const { lines } = await captureLogs(async () => {
      init({ destination: 'databricks://sp', spool: tmpSpool() });
      traceMany(2);
      await flushTraces(10_000);
    });
    const stats = statsOf('databricks');
    expect(stats).toMatchObject({ exported: 0, dropped: 2, retried: 0 });
    expect(stats.lastError).toContain('/oidc/v1/token (OAuth token) answered 401');
    expect(server!.requests.filter((r) => r.path.startsWith('/api/'))).toHaveLength(0);
    const everything = [JSON.stringify(stats), ...lines, JSON.stringify(server!.requests)].join('\n');
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(Buffer.from(`${CLIENT_ID}:${wrong}`).toString('base64'));
  });

  it('uses MLFLOW_TRACKING_URI=databricks with DATABRICKS_HOST / DATABRICKS_TOKEN', async () => {
    server = await startMlflowServer({
      auth: { token: TOKEN },
      databricks: { credentialType: 'AWS_PRESIGNED_URL' },
    });
    Object.assign(process.env, {
      MLFLOW_TRACKING_URI: 'databricks',
      DATABRICKS_HOST: server.url,
      DATABRICKS_TOKEN: TOKEN,
      HOME: home(''),
    });
    const { destinations } = init({ silent: true, spool: tmpSpool() });
    expect(destinations[0]).toBeInstanceOf(DatabricksDestination);
    traceMany(2);
    await flushTraces(10_000);
    expect(server.state.traces.size).toBe(2);
    expect(JSON.stringify(statsOf('databricks'))).not.toContain(TOKEN);
  });
});
