import { setFetch } from '../api/client';

export interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

type Handler = (method: string, url: string, body: unknown, headers: Record<string, string>) => { status?: number; body?: unknown; headers?: Record<string, string> } | undefined;

/** Installs a fetch stub on the app's HTTP layer and records every request it sends. */
export function mockApi(handler: Handler): Call[] {
  const calls: Call[] = [];
  setFetch(async (input, init) => {
    const headers = { ...(init.headers as Record<string, string>) };
    const body = typeof init.body === 'string' ? init.body : '';
    const method = init.method ?? 'GET';
    calls.push({ method, url: input, headers, body });
    const r = handler(method, input, body ? JSON.parse(body) : undefined, headers) ?? { status: 404, body: { title: 'Not found', status: 404, detail: `no mock for ${method} ${input}` } };
    const status = r.status ?? 200;
    const isProblem = status >= 400;
    return new Response(r.body === undefined || status === 204 ? null : JSON.stringify(r.body), {
      status,
      headers: { 'Content-Type': isProblem ? 'application/problem+json' : 'application/json', ...(r.headers ?? {}) },
    });
  });
  return calls;
}

/** Everything a request carries, for "this secret never leaves" assertions. */
export function requestText(c: Call): string {
  return `${c.method} ${c.url}\n${JSON.stringify(c.headers)}\n${c.body}`;
}
