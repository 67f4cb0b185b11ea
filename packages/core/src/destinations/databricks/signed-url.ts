import { ExportError } from '../export-error.js';
import type { HttpClient } from '../mlflow/http-client.js';

/** MLflow's `ArtifactCredentialType`s (by name, or by their protobuf numbers). */
export type CredentialType =
  | 'AWS_PRESIGNED_URL'
  | 'GCP_SIGNED_URL'
  | 'AZURE_SAS_URI'
  | 'AZURE_ADLS_GEN2_SAS_URI';

/** `ArtifactCredentialInfo` as `credentials-for-data-upload` / `-download` return it. */
export interface ArtifactCredentialInfo {
  signed_uri: string;
  type: CredentialType | number;
  headers?: Array<{ name: string; value: string }>;
  path?: string;
  run_id?: string;
}

const BY_NUMBER: Record<number, CredentialType> = {
  1: 'AZURE_SAS_URI',
  2: 'AWS_PRESIGNED_URL',
  3: 'GCP_SIGNED_URL',
  4: 'AZURE_ADLS_GEN2_SAS_URI',
};

function typeOf(info: ArtifactCredentialInfo): CredentialType {
  const type = typeof info.type === 'number' ? BY_NUMBER[info.type] : info.type;
  if (
    !type ||
    !['AWS_PRESIGNED_URL', 'GCP_SIGNED_URL', 'AZURE_SAS_URI', 'AZURE_ADLS_GEN2_SAS_URI'].includes(type)
  ) {
    throw new ExportError(`unsupported artifact credential type ${String(info.type)}`, { retryable: false });
  }
  return type;
}

function withQuery(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

function credentialHeaders(info: ArtifactCredentialInfo): Record<string, string> {
  return Object.fromEntries((info.headers ?? []).map((h) => [h.name, h.value]));
}

/**
 * Uploads `body` to the signed URL of `info`, the way each storage expects it: a `PUT` for AWS
 * presigned and GCP signed URLs; a `PUT` with `x-ms-blob-type: BlockBlob` for an Azure blob SAS
 * URI; for Azure Data Lake Storage Gen2, create the file (`PUT ?resource=file`), append
 * (`PATCH ?action=append&position=0`) and flush (`PATCH ?action=flush&position=<length>`). The
 * credential's own headers are sent along; the tracking server's auth never is.
 *
 * @example
 * const { credential_info } = await http.json('GET', `/api/2.0/mlflow/traces/${traceId}/credentials-for-data-upload`);
 * await uploadToSignedUrl(http, credential_info, JSON.stringify({ spans }));
 */
export async function uploadToSignedUrl(
  http: HttpClient,
  info: ArtifactCredentialInfo,
  body: string,
): Promise<void> {
  const headers = credentialHeaders(info);
  const url = info.signed_uri;
  switch (typeOf(info)) {
    case 'AWS_PRESIGNED_URL':
    case 'GCP_SIGNED_URL':
      await http.send({
        method: 'PUT',
        path: url,
        body,
        headers: { 'content-type': 'application/json', ...headers },
      });
      return;
    case 'AZURE_SAS_URI':
      await http.send({
        method: 'PUT',
        path: url,
        body,
        headers: { ...headers, 'x-ms-blob-type': 'BlockBlob', 'content-type': 'application/json' },
      });
      return;
    case 'AZURE_ADLS_GEN2_SAS_URI': {
      const bytes = Buffer.from(body);
      await http.send({ method: 'PUT', path: withQuery(url, { resource: 'file' }), headers });
      await http.send({
        method: 'PATCH',
        path: withQuery(url, { action: 'append', position: '0' }),
        body: bytes,
        headers: { ...headers, 'content-type': 'application/octet-stream' },
      });
      await http.send({
        method: 'PATCH',
        path: withQuery(url, { action: 'flush', position: String(bytes.length) }),
        headers,
      });
      return;
    }
  }
}

/** Reads the signed URL of a `credentials-for-data-download` answer. */
export async function downloadFromSignedUrl(http: HttpClient, info: ArtifactCredentialInfo): Promise<string> {
  typeOf(info);
  return (await http.send({ method: 'GET', path: info.signed_uri, headers: credentialHeaders(info) })).text;
}
