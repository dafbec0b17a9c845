import { mockApi } from '../test/fetchMock';
import { api, ApiError, asList, errorsByField, setUnauthorizedHandler } from './client';

describe('HTTP layer', () => {
  afterEach(() => setUnauthorizedHandler(null));

  it('sends the CSRF header on writes only, and If-Match on PATCH and DELETE', async () => {
    const calls = mockApi((method) => (method === 'DELETE' ? { status: 204 } : { body: { id: '1', etag: 'W/"2"' } }));
    await api.get('/api/nodes');
    await api.post('/api/nodes', { name: 'a' });
    await api.patch('/api/nodes/1', { name: 'b' }, 'W/"1"');
    await api.del('/api/nodes/1', 'W/"2"');
    expect(calls.map((c) => [c.method, c.headers['X-CloudWg-Request'], c.headers['If-Match']])).toEqual([
      ['GET', undefined, undefined],
      ['POST', '1', undefined],
      ['PATCH', '1', 'W/"1"'],
      ['DELETE', '1', 'W/"2"'],
    ]);
    expect(calls[1].headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(calls[2].body)).toEqual({ name: 'b' });
  });

  it('turns problem+json into an ApiError with field errors', async () => {
    mockApi(() => ({ status: 400, body: { title: 'Validation failed', status: 400, detail: 'One or more fields are invalid.', errors: { 'sni[0]': ['bad host name'], Port: ['1-65535'] } } }));
    const e = (await api.post('/api/nodes/1/routes', {}).catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(400);
    expect(e.detail).toBe('One or more fields are invalid.');
    expect(errorsByField(e.errors, ['sni', 'port', 'peerId'])).toEqual({ sni: ['bad host name'], port: ['1-65535'] });
  });

  it('explains a 412 even without a problem body', async () => {
    mockApi(() => ({ status: 412 }));
    const e = (await api.patch('/api/peers/1', {}, 'W/"1"').catch((x: unknown) => x)) as ApiError;
    expect(e.isConflict).toBe(true);
    expect(e.detail).toMatch(/changed by someone else/i);
  });

  it('reports an expired session once for authenticated calls, not for the login itself', async () => {
    const expired = vi.fn();
    setUnauthorizedHandler(expired);
    mockApi(() => ({ status: 401, body: { title: 'Unauthorized', status: 401 } }));
    await api.post('/api/auth/login', {}).catch(() => undefined);
    expect(expired).not.toHaveBeenCalled();
    await api.get('/api/nodes').catch(() => undefined);
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('copies the ETag header into the body when the body lacks one', async () => {
    mockApi(() => ({ body: { id: '1' }, headers: { ETag: 'W/"9"' } }));
    expect(await api.get<{ etag: string }>('/api/nodes/1')).toEqual({ id: '1', etag: 'W/"9"' });
  });

  it('accepts bare arrays and {items} pages', () => {
    expect(asList([1, 2])).toEqual([1, 2]);
    expect(asList({ items: [3], continuationToken: 'x' })).toEqual([3]);
    expect(asList(null)).toEqual([]);
  });

  it('maps unknown error keys to the general bucket', () => {
    expect(errorsByField({ $: ['bad body'], 'body.name': ['required'] }, ['name'])).toEqual({ '': ['bad body'], name: ['required'] });
  });
});
