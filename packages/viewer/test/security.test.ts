import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewer, type Viewer, ViewerError } from '../src/index.js';
import { loadUiAssets, packageRoot } from '../src/server/ui-assets.js';
import { seedSupportStore } from './fixtures/support-traces.js';
import { pageToken, raw, recordingLogger, tempStorePath, writeHeaders } from './helpers.js';

const store = tempStorePath();
let viewer: Viewer;
let token: string;
let traceId: string;

beforeAll(async () => {
  ({
    traceIds: [traceId],
  } = await seedSupportStore(store.path));
  viewer = await startViewer({ storePath: store.path, logger: recordingLogger() });
  token = await pageToken(viewer.url);
});

afterAll(async () => {
  await viewer?.close();
  store.cleanup();
});

const feedbackUrl = () => `${viewer.url}api/traces/${traceId}/feedback`;
const body = JSON.stringify({ name: 'user_satisfaction', value: true });

describe('binding', () => {
  it('listens on 127.0.0.1 by default', () => {
    expect(viewer.host).toBe('127.0.0.1');
    expect(viewer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('warns when told to listen on an address other machines can reach', async () => {
    const logger = recordingLogger();
    const open = await startViewer({ storePath: store.path, host: '0.0.0.0', logger });
    try {
      expect(logger.lines.join('\n')).toMatch(
        /^warn: .*listening on 0\.0\.0\.0:\d+, reachable from other machines/m,
      );
    } finally {
      await open.close();
    }
  });

  it('does not warn on the loopback interface', async () => {
    const logger = recordingLogger();
    const local = await startViewer({ storePath: store.path, logger });
    await local.close();
    expect(logger.lines).toEqual([]);
  });
});

describe('requests', () => {
  it('serves the page with a per-session token and a policy that allows this origin only', async () => {
    const page = await raw(viewer.url);
    expect(page.status).toBe(200);
    expect(page.body).toContain(`<meta name="autolog-token" content="${token}">`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('uses a different token for each viewer session', async () => {
    const other = await startViewer({ storePath: store.path, logger: recordingLogger() });
    try {
      expect(await pageToken(other.url)).not.toBe(token);
    } finally {
      await other.close();
    }
  });

  it('refuses a request whose Host names another server (DNS rebinding)', async () => {
    const res = await raw(`${viewer.url}api/traces`, { headers: { host: `evil.example:${viewer.port}` } });
    expect(res.status).toBe(421);
    expect(res.json().error.code).toBe('UNKNOWN_HOST');
  });

  it('accepts localhost as a name of the loopback server', async () => {
    const res = await raw(`${viewer.url}api/config`, { headers: { host: `localhost:${viewer.port}` } });
    expect(res.status).toBe(200);
  });

  it('accepts a same-origin JSON write with the session token', async () => {
    const res = await raw(feedbackUrl(), { method: 'POST', headers: writeHeaders(viewer.url, token), body });
    expect(res.status).toBe(201);
  });

  it('refuses a write without the session token', async () => {
    const { 'x-autolog-token': _omitted, ...headers } = writeHeaders(viewer.url, token);
    const res = await raw(feedbackUrl(), { method: 'POST', headers, body });
    expect(res.status).toBe(403);
    expect(res.json().error.code).toBe('BAD_TOKEN');
  });

  it('refuses a write with a wrong token', async () => {
    const res = await raw(feedbackUrl(), {
      method: 'POST',
      headers: { ...writeHeaders(viewer.url, token), 'x-autolog-token': `${token.slice(0, -1)}x` },
      body,
    });
    expect(res.status).toBe(403);
  });

  it('refuses a write from another origin even with the token', async () => {
    const res = await raw(feedbackUrl(), {
      method: 'POST',
      headers: { ...writeHeaders(viewer.url, token), origin: 'http://evil.example' },
      body,
    });
    expect(res.status).toBe(403);
    expect(res.json().error.code).toBe('CROSS_ORIGIN');
  });

  it('refuses a write without an Origin header', async () => {
    const { origin: _omitted, ...headers } = writeHeaders(viewer.url, token);
    const res = await raw(feedbackUrl(), { method: 'POST', headers, body });
    expect(res.status).toBe(403);
  });

  it('refuses a write the browser marks as cross-site', async () => {
    const res = await raw(feedbackUrl(), {
      method: 'POST',
      headers: { ...writeHeaders(viewer.url, token), 'sec-fetch-site': 'cross-site' },
      body,
    });
    expect(res.status).toBe(403);
  });

  it('refuses a write that is not JSON (what an HTML form could send)', async () => {
    const res = await raw(feedbackUrl(), {
      method: 'POST',
      headers: { ...writeHeaders(viewer.url, token), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=x&value=true',
    });
    expect(res.status).toBe(415);
  });

  it('refuses methods other than GET, HEAD and POST', async () => {
    const res = await raw(`${viewer.url}api/traces/${traceId}`, {
      method: 'DELETE',
      headers: writeHeaders(viewer.url, token),
    });
    expect(res.status).toBe(405);
  });

  it('does not send CORS headers that would let another site read traces', async () => {
    const res = await raw(`${viewer.url}api/traces`, { headers: { origin: 'http://evil.example' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('assets', () => {
  it('bundles every asset: the UI refers to no other origin', () => {
    const dir = join(packageRoot(), 'dist', 'ui');
    for (const file of ['app.js', 'app.css']) {
      const text = readFileSync(join(dir, file), 'utf8');
      const urls = [...text.matchAll(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s'"`)]*/gi)].map((m) => m[0]);
      expect(urls.filter((u) => !u.startsWith('http://www.w3.org/'))).toEqual([]);
      expect(text).not.toMatch(/@import|@font-face/);
    }
  });

  it('fails with UI_NOT_BUILT, saying how to build, when the bundle is missing', () => {
    expect(() => loadUiAssets(join(packageRoot(), 'no-such-dir'))).toThrow(
      expect.objectContaining({ code: 'UI_NOT_BUILT', message: expect.stringContaining('build') }),
    );
  });
});

describe('options', () => {
  it('fails with STORE_NOT_FOUND for a missing store file, naming the path', async () => {
    const missing = `${store.path}.missing`;
    await expect(startViewer({ storePath: missing })).rejects.toMatchObject({
      code: 'STORE_NOT_FOUND',
      message: expect.stringContaining(missing),
    });
  });

  it('fails with STORE_OPEN_FAILED for a file that is not a trace store', async () => {
    const bogus = `${store.path}.txt`;
    writeFileSync(bogus, 'not sqlite');
    await expect(startViewer({ storePath: bogus })).rejects.toMatchObject({ code: 'STORE_OPEN_FAILED' });
  });

  it('fails with STORE_OPEN_FAILED for an unknown experiment', async () => {
    await expect(startViewer({ storePath: store.path, experimentId: '4242' })).rejects.toMatchObject({
      code: 'STORE_OPEN_FAILED',
      message: expect.stringContaining('4242'),
    });
  });

  it('fails with INVALID_OPTION for a bad port', async () => {
    const error = await startViewer({ storePath: store.path, port: 70_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ViewerError);
    expect(error).toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('port') });
  });

  it('stops answering after close, and close can be called twice', async () => {
    const v = await startViewer({ storePath: store.path, logger: recordingLogger() });
    await v.close();
    await v.close();
    await expect(raw(`${v.url}api/config`)).rejects.toThrow();
  });
});
