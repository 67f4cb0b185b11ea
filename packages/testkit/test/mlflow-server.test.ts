import { afterEach, describe, expect, it } from 'vitest';
import { encodeTraceRequest, type MlflowServer, startMlflowServer } from '../src/index.js';

let server: MlflowServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server!.url}${path}`, {
    method,
    headers: {
      ...(body !== undefined && !(body instanceof Uint8Array) ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : body instanceof Uint8Array ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

const info = (id: string, extra: Record<string, unknown> = {}) => ({
  trace_id: id,
  trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '0' } },
  request_time: '2025-01-01T00:00:00.000Z',
  execution_duration: '1.5s',
  state: 'OK',
  trace_metadata: { 'mlflow.trace.user': 'u1' },
  tags: { 'mlflow.traceName': 'root' },
  ...extra,
});

describe('MLflow server: experiments and errors', () => {
  it('gets, finds by name and creates experiments, with MLflow error bodies and status codes', async () => {
    server = await startMlflowServer();
    expect(
      (await call('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0')).json.experiment,
    ).toMatchObject({ experiment_id: '0', name: 'Default', artifact_location: 'mlflow-artifacts:/0' });
    expect(await call('GET', '/api/2.0/mlflow/experiments/get?experiment_id=9')).toMatchObject({
      status: 404,
      json: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No Experiment with id=9 exists' },
    });
    expect(await call('GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=x')).toMatchObject({
      status: 404,
      json: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
    const created = await call('POST', '/api/2.0/mlflow/experiments/create', { name: 'x' });
    expect(created.json).toEqual({ experiment_id: '1' });
    expect(await call('POST', '/api/2.0/mlflow/experiments/create', { name: 'x' })).toMatchObject({
      status: 400,
      json: { error_code: 'RESOURCE_ALREADY_EXISTS' },
    });
    expect(await call('GET', '/api/2.0/mlflow/nope')).toMatchObject({
      status: 404,
      json: { error_code: 'ENDPOINT_NOT_FOUND' },
    });
  });

  it('answers basic-auth failures like mlflow server --app-name basic-auth, and bearer failures as JSON', async () => {
    server = await startMlflowServer({ auth: { username: 'u', password: 'p' } });
    const denied = await call('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0');
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toBe('Basic realm="mlflow"');
    expect(denied.text).toContain('You are not authenticated');
    const ok = await call('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', undefined, {
      authorization: `Basic ${Buffer.from('u:p').toString('base64')}`,
    });
    expect(ok.status).toBe(200);
    expect(server.requests.at(-1)?.headers.authorization).toBe('[present]');
    await server.close();
    server = await startMlflowServer({ auth: { token: 't-123456' } });
    expect(
      await call('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', undefined, {
        authorization: 'Bearer wrong',
      }),
    ).toMatchObject({ status: 401, json: { error_code: 'UNAUTHENTICATED' } });
  });

  it('injects failures: statuses with Retry-After, connection resets, slow answers; and stops and starts on the same port', async () => {
    server = await startMlflowServer();
    server.failNext({ status: 429, retryAfter: 2 });
    const limited = await call('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0');
    expect(limited).toMatchObject({ status: 429, json: { error_code: 'REQUEST_LIMIT_EXCEEDED' } });
    expect(limited.headers.get('retry-after')).toBe('2');
    server.failNext({ reset: true });
    await expect(call('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0')).rejects.toThrow();
    server.failNext({ delayMs: 200 });
    const t = Date.now();
    expect((await call('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0')).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(190);
    await server.stop();
    await expect(fetch(`${server.url}/api/2.0/mlflow/experiments/get?experiment_id=0`)).rejects.toThrow();
    await server.start();
    expect((await call('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0')).status).toBe(200);
  });
});

describe('MLflow server: traces', () => {
  it('starts traces, tags the artifact location, stores traces.json through the artifacts proxy', async () => {
    server = await startMlflowServer({ spansLocation: 'ARTIFACT_REPO' });
    const started = await call('POST', '/api/3.0/mlflow/traces', { trace: { trace_info: info('tr-1') } });
    expect(started.json.trace.trace_info.tags['mlflow.artifactLocation']).toBe(
      'mlflow-artifacts:/0/traces/tr-1/artifacts',
    );
    const put = await fetch(
      `${server.url}/api/2.0/mlflow-artifacts/artifacts/0/traces/tr-1/artifacts/traces.json`,
      { method: 'PUT', body: '{"spans":[]}' },
    );
    expect(put.status).toBe(200);
    expect(
      (await call('GET', '/api/2.0/mlflow-artifacts/artifacts/0/traces/tr-1/artifacts/traces.json')).json,
    ).toEqual({ spans: [] });
    expect(await call('GET', '/api/3.0/mlflow/traces/tr-404')).toMatchObject({
      status: 404,
      json: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Trace with ID tr-404 is not found.' },
    });
    expect(
      await call('POST', '/api/3.0/mlflow/traces', {
        trace: {
          trace_info: { ...info('tr-2'), trace_location: { mlflow_experiment: { experiment_id: '77' } } },
        },
      }),
    ).toMatchObject({ status: 404 });
    const otlp = await call('POST', '/v1/traces', new Uint8Array([1, 2]), {
      'content-type': 'application/x-protobuf',
      'x-mlflow-experiment-id': '0',
    });
    expect(otlp).toMatchObject({
      status: 501,
      json: { detail: 'REST OTLP span logging is not supported by FileStore' },
    });
  });

  it('takes OTLP protobuf spans at /v1/traces into the tracking store and serves them from batchGet', async () => {
    server = await startMlflowServer();
    const id = Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex').toString('base64');
    const body = encodeTraceRequest({
      resource_spans: [
        {
          scope_spans: [
            {
              spans: [
                {
                  trace_id: id,
                  span_id: Buffer.from('b7ad6b7169203331', 'hex').toString('base64'),
                  name: 'root',
                  start_time_unix_nano: '1700000000000000000',
                  end_time_unix_nano: '1700000001500000000',
                  status: { code: 'STATUS_CODE_OK' },
                  attributes: [{ key: 'mlflow.spanType', value: { string_value: '"CHAIN"' } }],
                },
              ],
            },
          ],
        },
      ],
    });
    expect(
      await call('POST', '/v1/traces', body, {
        'content-type': 'application/json',
        'x-mlflow-experiment-id': '0',
      }),
    ).toMatchObject({
      status: 400,
      json: { detail: 'Invalid Content-Type: application/json. Expected: application/x-protobuf' },
    });
    expect(
      (
        await call('POST', '/v1/traces', body, {
          'content-type': 'application/x-protobuf',
          'x-mlflow-experiment-id': '0',
        })
      ).status,
    ).toBe(200);
    const traceId = 'tr-0af7651916cd43dd8448eb211c80319c';
    const stored = (await call('GET', `/api/3.0/mlflow/traces/${traceId}`)).json.trace.trace_info;
    expect(stored).toMatchObject({
      state: 'OK',
      execution_duration: '1.5s',
      tags: { 'mlflow.trace.spansLocation': 'TRACKING_STORE', 'mlflow.traceName': 'root' },
    });
    const batch = await call('GET', `/api/3.0/mlflow/traces/batchGet?trace_ids=${traceId}`);
    expect(batch.json.traces[0].spans[0]).toMatchObject({ name: 'root', status: { code: 'STATUS_CODE_OK' } });
  });

  it('searches with the filter language, orders, pages, and rejects bad filters with INVALID_PARAMETER_VALUE', async () => {
    server = await startMlflowServer();
    for (let i = 0; i < 5; i++) {
      await call('POST', '/api/3.0/mlflow/traces', {
        trace: {
          trace_info: info(`tr-${i}`, {
            request_time: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
            execution_duration: `${i}s`,
            state: i % 2 ? 'ERROR' : 'OK',
            trace_metadata: { 'mlflow.trace.user': `u${i % 2}` },
          }),
        },
      });
    }
    const search = (body: Record<string, unknown>) =>
      call('POST', '/api/3.0/mlflow/traces/search', {
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '0' } }],
        ...body,
      });
    const ids = async (body: Record<string, unknown>) =>
      (await search(body)).json.traces.map((t: { trace_id: string }) => t.trace_id);
    expect(await ids({})).toEqual(['tr-4', 'tr-3', 'tr-2', 'tr-1', 'tr-0']);
    expect(await ids({ filter: "trace.status = 'ERROR'" })).toEqual(['tr-3', 'tr-1']);
    expect(
      await ids({
        filter: "metadata.`mlflow.trace.user` = 'u0' AND trace.execution_time_ms > 1000",
        order_by: ['execution_time_ms ASC'],
      }),
    ).toEqual(['tr-2', 'tr-4']);
    expect(await ids({ filter: "trace.status IN ('OK') AND tags.`mlflow.traceName` LIKE 'ro%'" })).toEqual([
      'tr-4',
      'tr-2',
      'tr-0',
    ]);
    const first = await search({ max_results: 2 });
    expect(first.json.traces).toHaveLength(2);
    const second = await search({ max_results: 2, page_token: first.json.next_page_token });
    expect(second.json.traces.map((t: { trace_id: string }) => t.trace_id)).toEqual(['tr-2', 'tr-1']);
    expect(await search({ filter: "trace.status = 'OK' OR trace.status = 'ERROR'" })).toMatchObject({
      status: 400,
      json: { error_code: 'INVALID_PARAMETER_VALUE' },
    });
    expect(await search({ max_results: 501 })).toMatchObject({
      status: 400,
      json: { error_code: 'INVALID_PARAMETER_VALUE' },
    });
  });

  it('sets and deletes tags, creates, overrides, updates and deletes assessments, deletes traces', async () => {
    server = await startMlflowServer();
    await call('POST', '/api/3.0/mlflow/traces', { trace: { trace_info: info('tr-a') } });
    expect((await call('PATCH', '/api/3.0/mlflow/traces/tr-a/tags', { key: 'k', value: 'v' })).status).toBe(
      200,
    );
    expect((await call('DELETE', '/api/3.0/mlflow/traces/tr-a/tags?key=k')).status).toBe(200);
    expect(await call('DELETE', '/api/3.0/mlflow/traces/tr-a/tags?key=k')).toMatchObject({
      status: 404,
      json: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
    const assessment = {
      assessment_name: 'helpful',
      source: { source_type: 'HUMAN', source_id: 'ana' },
      feedback: { value: true },
    };
    const created = (await call('POST', '/api/3.0/mlflow/traces/tr-a/assessments', { assessment })).json
      .assessment;
    expect(created.assessment_id).toMatch(/^a-[0-9a-f]{32}$/);
    const override = (
      await call('POST', '/api/3.0/mlflow/traces/tr-a/assessments', {
        assessment: { ...assessment, feedback: { value: false }, overrides: created.assessment_id },
      })
    ).json.assessment;
    expect(
      (await call('GET', `/api/3.0/mlflow/traces/tr-a/assessments/${created.assessment_id}`)).json.assessment
        .valid,
    ).toBe(false);
    const updated = await call('PATCH', `/api/3.0/mlflow/traces/tr-a/assessments/${override.assessment_id}`, {
      assessment: { rationale: 'changed my mind' },
      update_mask: 'rationale',
    });
    expect(updated.json.assessment).toMatchObject({
      rationale: 'changed my mind',
      feedback: { value: false },
    });
    expect(
      (await call('DELETE', `/api/3.0/mlflow/traces/tr-a/assessments/${override.assessment_id}`)).status,
    ).toBe(200);
    expect(
      (await call('GET', `/api/3.0/mlflow/traces/tr-a/assessments/${created.assessment_id}`)).json.assessment
        .valid,
    ).toBe(true);
    expect(
      await call('POST', '/api/3.0/mlflow/traces/tr-a/assessments', {
        assessment: { assessment_name: 'x', source: { source_type: 'HUMAN' } },
      }),
    ).toMatchObject({ status: 400 });
    expect(
      (
        await call('POST', '/api/3.0/mlflow/traces/delete-traces', {
          experiment_id: '0',
          request_ids: ['tr-a'],
        })
      ).json,
    ).toEqual({ traces_deleted: 1 });
  });
});

describe('MLflow server: Databricks signed storage', () => {
  it('hands out upload credentials and checks each storage protocol (Azure blob header, ADLS create/append/flush)', async () => {
    server = await startMlflowServer({
      auth: { token: 'dapi-x' },
      databricks: { credentialType: 'AZURE_SAS_URI' },
    });
    const auth = { authorization: 'Bearer dapi-x' };
    await call('POST', '/api/3.0/mlflow/traces', { trace: { trace_info: info('tr-d') } }, auth);
    const { credential_info: cred } = (
      await call('GET', '/api/2.0/mlflow/traces/tr-d/credentials-for-data-upload', undefined, auth)
    ).json;
    expect(cred).toMatchObject({ type: 'AZURE_SAS_URI', path: 'traces.json' });
    expect((await fetch(cred.signed_uri, { method: 'PUT', body: '{}' })).status).toBe(400); // x-ms-blob-type missing
    expect(
      (
        await fetch(cred.signed_uri, {
          method: 'PUT',
          body: '{}',
          headers: { 'x-ms-blob-type': 'BlockBlob', ...auth },
        })
      ).status,
    ).toBe(400); // two auth mechanisms
    expect(
      (
        await fetch(cred.signed_uri.replace(/sig=[0-9a-f]+/, 'sig=forged'), {
          method: 'PUT',
          body: '{}',
          headers: { 'x-ms-blob-type': 'BlockBlob' },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await fetch(cred.signed_uri, {
          method: 'PUT',
          body: '{"spans":[]}',
          headers: { 'x-ms-blob-type': 'BlockBlob' },
        })
      ).status,
    ).toBe(201);
    expect(server.state.blobs.get('tr-d/traces.json')?.toString()).toBe('{"spans":[]}');
    expect(server.requests.find((r) => r.path.startsWith('/signed-storage/'))?.query.sig).toBe('[present]');
    await server.close();
    server = await startMlflowServer({ databricks: { credentialType: 'AZURE_ADLS_GEN2_SAS_URI' } });
    await call('POST', '/api/3.0/mlflow/traces', { trace: { trace_info: info('tr-e') } });
    const adls = (await call('GET', '/api/2.0/mlflow/traces/tr-e/credentials-for-data-upload')).json
      .credential_info.signed_uri as string;
    const at = (q: string) => `${adls}&${q}`;
    expect((await fetch(at('resource=file'), { method: 'PUT' })).status).toBe(201);
    expect((await fetch(at('action=append&position=5'), { method: 'PATCH', body: 'abc' })).status).toBe(400);
    expect((await fetch(at('action=append&position=0'), { method: 'PATCH', body: 'abc' })).status).toBe(202);
    expect((await fetch(at('action=flush&position=3'), { method: 'PATCH' })).status).toBe(200);
    expect(server.state.blobs.get('tr-e/traces.json')?.toString()).toBe('abc');
  });
});
