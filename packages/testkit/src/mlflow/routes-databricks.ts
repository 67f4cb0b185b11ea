import { randomBytes } from 'node:crypto';
import { requireTrace } from './routes-traces.js';
import type { CredentialType, MlflowRoute, RouteContext } from './types.js';

/** Headers the storage requires with every signed request (the server hands them out with the URL). */
const CREDENTIAL_HEADERS: Record<CredentialType, Array<{ name: string; value: string }>> = {
  AWS_PRESIGNED_URL: [{ name: 'x-amz-server-side-encryption', value: 'AES256' }],
  GCP_SIGNED_URL: [],
  AZURE_SAS_URI: [],
  AZURE_ADLS_GEN2_SAS_URI: [],
};

function credentials(ctx: RouteContext, method: 'upload' | 'download') {
  const trace = requireTrace(ctx);
  if (!trace) return;
  const type = ctx.options.databricks?.credentialType ?? 'AWS_PRESIGNED_URL';
  const sig = randomBytes(16).toString('hex');
  ctx.state.signatures.set(sig, { method, traceId: ctx.params.trace_id });
  const query = type.startsWith('AZURE')
    ? `sv=2023-01-03&sp=rcw&sig=${sig}`
    : type === 'GCP_SIGNED_URL'
      ? `X-Goog-Signature=${sig}`
      : `X-Amz-Signature=${sig}`;
  ctx.json(200, {
    credential_info: {
      run_id: ctx.params.trace_id,
      path: 'traces.json',
      signed_uri: `${ctx.origin}/signed-storage/${type.toLowerCase()}/${ctx.params.trace_id}/traces.json?${query}`,
      type,
      headers: CREDENTIAL_HEADERS[type],
    },
  });
}

function storageError(ctx: RouteContext, status: number, code: string, message: string) {
  ctx.send(
    status,
    { 'content-type': 'application/xml' },
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  );
}

/**
 * Signed storage as Databricks hands it out, checked like the clouds do: the signature must be
 * one issued for this trace and method, no `Authorization` header may come along, AWS needs
 * its credential headers, an Azure blob needs `x-ms-blob-type: BlockBlob`, and ADLS Gen2 takes
 * create (`PUT ?resource=file`), append (`PATCH ?action=append&position=N`) and flush
 * (`PATCH ?action=flush&position=<length>`).
 */
function signedStorage(ctx: RouteContext) {
  const type = ctx.params.type.toUpperCase() as CredentialType;
  const sig =
    ctx.query.get('sig') ?? ctx.query.get('X-Amz-Signature') ?? ctx.query.get('X-Goog-Signature') ?? '';
  const grant = ctx.state.signatures.get(sig);
  const want = ctx.method === 'GET' ? 'download' : 'upload';
  if (!grant || grant.traceId !== ctx.params.trace_id || grant.method !== want)
    return storageError(ctx, 403, 'AuthenticationFailed', 'Signature did not match');
  if (ctx.headers.authorization)
    return storageError(ctx, 400, 'InvalidArgument', 'Only one auth mechanism allowed');
  for (const h of CREDENTIAL_HEADERS[type] ?? [])
    if (ctx.headers[h.name] !== h.value)
      return storageError(ctx, 400, 'MissingRequiredHeader', `Missing header ${h.name}`);
  const key = `${ctx.params.trace_id}/traces.json`;
  if (ctx.method === 'GET') {
    const blob = ctx.state.blobs.get(key);
    return blob
      ? ctx.send(200, { 'content-type': 'application/octet-stream' }, blob)
      : storageError(ctx, 404, 'BlobNotFound', 'The specified blob does not exist.');
  }
  if (type === 'AZURE_SAS_URI' && ctx.headers['x-ms-blob-type'] !== 'BlockBlob')
    return storageError(
      ctx,
      400,
      'MissingRequiredHeader',
      "An HTTP header that's mandatory for this request is not specified: x-ms-blob-type",
    );
  if (type !== 'AZURE_ADLS_GEN2_SAS_URI') {
    if (ctx.method !== 'PUT') return storageError(ctx, 405, 'MethodNotAllowed', ctx.method);
    ctx.state.blobs.set(key, ctx.raw);
    return ctx.send(type === 'AZURE_SAS_URI' ? 201 : 200, {}, '');
  }
  const pending = `${key}#pending`;
  if (ctx.method === 'PUT' && ctx.query.get('resource') === 'file') {
    ctx.state.blobs.set(pending, Buffer.alloc(0));
    return ctx.send(201, {}, '');
  }
  const action = ctx.query.get('action');
  const position = Number(ctx.query.get('position'));
  const current = ctx.state.blobs.get(pending);
  if (ctx.method !== 'PATCH' || !current)
    return storageError(ctx, 404, 'PathNotFound', 'The specified path does not exist.');
  if (action === 'append') {
    if (position !== current.length)
      return storageError(ctx, 400, 'InvalidFlushPosition', 'The uploaded data is not contiguous');
    ctx.state.blobs.set(pending, Buffer.concat([current, ctx.raw]));
    return ctx.send(202, {}, '');
  }
  if (action === 'flush' && position === current.length) {
    ctx.state.blobs.set(key, current);
    ctx.state.blobs.delete(pending);
    return ctx.send(200, {}, '');
  }
  storageError(ctx, 400, 'InvalidFlushPosition', 'The position does not match the length of the data');
}

/** Databricks-only endpoints: trace data credentials and the signed storage they point to. */
/**
 * Databricks OAuth machine-to-machine: the client credentials flow of `/oidc/v1/token`. The
 * service principal authenticates with HTTP basic (`client_id:client_secret`), the form body asks
 * for `grant_type=client_credentials`; errors are OAuth's `{"error","error_description"}`.
 */
function oauthToken(ctx: RouteContext) {
  const oauth = ctx.options.databricks?.oauth;
  if (!oauth) return ctx.error(404, 'ENDPOINT_NOT_FOUND', 'OAuth is not enabled on this workspace');
  const oauthError = (status: number, error: string, description: string) =>
    ctx.send(
      status,
      { 'content-type': 'application/json' },
      JSON.stringify({ error, error_description: description }),
    );
  const expected = `Basic ${Buffer.from(`${oauth.clientId}:${oauth.clientSecret}`).toString('base64')}`;
  if (ctx.headers.authorization !== expected)
    return oauthError(401, 'invalid_client', 'Client authentication failed');
  if (!String(ctx.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
    return oauthError(400, 'invalid_request', 'Expected a form-encoded body');
  const form = new URLSearchParams(ctx.raw.toString('utf8'));
  if (form.get('grant_type') !== 'client_credentials')
    return oauthError(400, 'unsupported_grant_type', 'Only client_credentials is supported');
  const expiresIn = oauth.expiresInSeconds ?? 3600;
  const token = `oauth-${randomBytes(24).toString('hex')}`;
  ctx.state.oauthTokens.set(token, Date.now() + expiresIn * 1000);
  ctx.json(200, {
    access_token: token,
    token_type: 'Bearer',
    expires_in: expiresIn,
    scope: form.get('scope') ?? 'all-apis',
  });
}

export const databricksRoutes: MlflowRoute[] = [
  {
    method: 'GET',
    path: '/api/2.0/mlflow/traces/:trace_id/credentials-for-data-upload',
    handle: (ctx) => credentials(ctx, 'upload'),
  },
  {
    method: 'GET',
    path: '/api/2.0/mlflow/traces/:trace_id/credentials-for-data-download',
    handle: (ctx) => credentials(ctx, 'download'),
  },
  { method: 'PUT', path: '/signed-storage/:type/:trace_id/traces.json', handle: signedStorage },
  { method: 'PATCH', path: '/signed-storage/:type/:trace_id/traces.json', handle: signedStorage },
  { method: 'GET', path: '/signed-storage/:type/:trace_id/traces.json', handle: signedStorage },
  { method: 'POST', path: '/oidc/v1/token', handle: oauthToken },
];
