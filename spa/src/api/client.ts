// The only place that talks HTTP. Every request goes through `request`, so tests can stub
// `fetch` once and see everything the app sends (e.g. to assert no private key ever leaves).

export type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldErrors;

  constructor(status: number, title: string, detail: string, errors: FieldErrors = {}) {
    super(detail || title || `HTTP ${status}`);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
  }

  get isConflict(): boolean {
    return this.status === 412;
  }
}

type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

let fetchImpl: FetchLike = (input, init) => globalThis.fetch(input, init);
let unauthorizedHandler: (() => void) | null = null;

/** Replace the transport (tests). */
export function setFetch(f: FetchLike): void {
  fetchImpl = f;
}

/** Called when an authenticated call answers 401 (session expired or logged out elsewhere). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

// Endpoints whose 401 is an expected answer (wrong password, not logged in yet), not an expiry.
const anonymousPaths = ['/api/auth/login', '/api/auth/mfa', '/api/setup', '/api/auth/me', '/api/auth/logout'];

export interface RequestOptions {
  body?: unknown;
  etag?: string;
  query?: Record<string, string | number | undefined | null>;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') {
    // CSRF defence required by the API for cookie-authenticated writes.
    headers['X-CloudWg-Request'] = '1';
  }
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.etag) headers['If-Match'] = options.etag;
  let url = path;
  if (options.query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(options.query)) {
      if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
    }
    const qs = params.toString();
    if (qs) url += (url.includes('?') ? '&' : '?') + qs;
  }
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, 'Network error', 'The control plane could not be reached. Check your connection and try again.');
  }
  const text = await response.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!response.ok) {
    if (response.status === 401 && !anonymousPaths.includes(path) && unauthorizedHandler) unauthorizedHandler();
    throw toApiError(response.status, data);
  }
  const etag = response.headers.get('ETag');
  if (etag && data && typeof data === 'object' && !Array.isArray(data) && !('etag' in data)) {
    (data as Record<string, unknown>).etag = etag;
  }
  return data as T;
}

function toApiError(status: number, data: unknown): ApiError {
  const p = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const errors: FieldErrors = {};
  if (p.errors && typeof p.errors === 'object') {
    for (const [k, v] of Object.entries(p.errors as Record<string, unknown>)) {
      errors[k] = Array.isArray(v) ? v.map(String) : [String(v)];
    }
  }
  const fallback: Record<number, string> = {
    403: 'You do not have permission to do that.',
    404: 'Not found. It may have been deleted.',
    409: 'That conflicts with an existing item.',
    412: 'Changed by someone else. Reload to get the latest version; your input is kept.',
    413: 'The request is too large.',
    428: 'The request is missing its version (If-Match).',
    429: 'Too many attempts. Wait a moment and try again.',
  };
  const title = typeof p.title === 'string' ? p.title : `HTTP ${status}`;
  const detail = typeof p.detail === 'string' ? p.detail : fallback[status] ?? (typeof data === 'string' && data.length < 300 ? data : title);
  return new ApiError(status, title, detail, errors);
}

/** Lists may come back as a bare array or as `{ items, continuationToken }`. */
export function asList<T>(data: unknown): T[] {
  if (Array.isArray(data)) return data as T[];
  if (data && typeof data === 'object' && Array.isArray((data as { items?: unknown }).items)) {
    return (data as { items: T[] }).items;
  }
  return [];
}

/**
 * Problem+json field keys may be `sni`, `Sni`, `sni[0]`, `$.sni` or `body.sni`:
 * map each to the form field it belongs to. Keys that match no field are returned under ''.
 */
export function errorsByField(errors: FieldErrors, fields: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, messages] of Object.entries(errors)) {
    const base = key.replace(/^\$\.?/, '').replace(/^(body|request)\./i, '').split(/[[.]/)[0].toLowerCase();
    const field = fields.find((f) => f.toLowerCase() === base) ?? '';
    (out[field] ??= []).push(...messages);
  }
  return out;
}

export const api = {
  get: <T>(path: string, query?: RequestOptions['query']) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body: unknown, etag: string | undefined) => request<T>('PATCH', path, { body, etag }),
  del: (path: string, etag: string | undefined) => request<void>('DELETE', path, { etag }),
};
