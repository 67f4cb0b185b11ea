/**
 * Calls to the viewer's JSON API. Writes carry the session token from the page's meta tag.
 */

/** An error answer of the API: its code and message, and for filters the bad token's position. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly position?: number,
    readonly token?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Params = Record<string, string | number | undefined | null>;

function query(params: Params = {}): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function parse<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as {
    error?: { code?: string; message?: string; position?: number; token?: string };
  };
  if (!res.ok) {
    const e = body.error ?? {};
    throw new ApiError(
      res.status,
      e.code ?? 'HTTP_ERROR',
      e.message ?? `HTTP ${res.status}`,
      e.position,
      e.token,
    );
  }
  return body as T;
}

/** The API as seen from the page. */
export class ApiClient {
  constructor(private readonly token: string) {}

  async get<T>(path: string, params?: Params): Promise<T> {
    return parse<T>(await fetch(`/api/${path}${query(params)}`, { headers: { accept: 'application/json' } }));
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    const res = await fetch(`/api/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-autolog-token': this.token },
      body: JSON.stringify(body),
    });
    return parse<T>(res);
  }
}
