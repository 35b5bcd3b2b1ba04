/**
 * The console's one way to the HTTP API: the api service on this page's origin, the outbound service
 * (sending domains) at the URL the page was served with. The API key travels only in the
 * Authorization header; errors come back as the API's `{"error": {"code", "message"}}`.
 */

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Who the key belongs to (`GET /v1/me`). */
export interface Me {
  tenantId: string;
  scopes: string[];
  operator: boolean;
}

export type Query = Record<string, string | number | undefined | null>;

const outboundBase = () =>
  document.querySelector<HTMLMetaElement>('meta[name="mailroom-outbound-url"]')?.content ?? '';

export interface Api {
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  del(path: string): Promise<void>;
}

/** Paths under /v1/domains live on the outbound service; everything else on the api service. */
const urlFor = (path: string, query?: Query) => {
  const base = path.startsWith('/v1/domains') ? outboundBase() : '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const search = params.toString();
  return `${base}${path}${search ? `?${search}` : ''}`;
};

export function createApi(key: string, onUnauthorized: () => void): Api {
  const call = async (method: string, path: string, query?: Query, body?: unknown) => {
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(urlFor(path, query), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
      });
    } catch {
      throw new ApiError(0, 'NETWORK', 'The API could not be reached. Check your connection and try again.');
    }
    if (res.status === 204) return undefined;
    const text = await res.text();
    const parsed = text ? safeJson(text) : undefined;
    if (!res.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      if (res.status === 401) onUnauthorized();
      throw new ApiError(res.status, error?.code ?? `HTTP.${res.status}`, error?.message ?? res.statusText);
    }
    return parsed;
  };
  return {
    get: (path, query) => call('GET', path, query) as never,
    post: (path, body) => call('POST', path, undefined, body ?? {}) as never,
    del: async (path) => {
      await call('DELETE', path);
    },
  };
}

/** Signs in: the key must be known and hold the `read` scope. */
export async function fetchMe(key: string): Promise<Me> {
  return createApi(key, () => {}).get<Me>('/v1/me');
}

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
