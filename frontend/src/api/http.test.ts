import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { authFetch, setSessionExpiredHandler } from './http';
import { tokenStore } from './tokens';

type Handler = (request: Request) => Response | Promise<Response>;

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

const problem401 = () =>
  new Response(JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401 }), {
    status: 401,
    headers: { 'Content-Type': 'application/problem+json' },
  });

/** A fake server: records every request and answers with `handler`. */
function serve(handler: Handler) {
  const seen: Request[] = [];
  const fetchMock = vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    seen.push(request);
    return Promise.resolve(handler(request));
  });
  vi.stubGlobal('fetch', fetchMock);
  return seen;
}

const me = () => new Request(new URL('/api/v1/auth/me', window.location.origin));
const onExpired = vi.fn();

beforeEach(() => {
  tokenStore.set({ access_token: 'old-access', refresh_token: 'old-refresh', token_type: 'bearer', expires_in: 60 });
  setSessionExpiredHandler(onExpired);
});

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
  onExpired.mockReset();
});

describe('authFetch', () => {
  it('sends the bearer token', async () => {
    const seen = serve(() => json({ id: 1 }));
    const response = await authFetch(me());
    expect(response.status).toBe(200);
    expect(seen[0]?.headers.get('Authorization')).toBe('Bearer old-access');
  });

  it('refreshes once on 401 and retries with the new token', async () => {
    const seen = serve(async (request) => {
      const { pathname } = new URL(request.url);
      if (pathname === '/api/v1/auth/refresh') {
        expect(await request.json()).toEqual({ refresh_token: 'old-refresh' });
        return json({ access_token: 'new-access', refresh_token: 'new-refresh', token_type: 'bearer', expires_in: 60 });
      }
      return request.headers.get('Authorization') === 'Bearer new-access' ? json({ id: 1 }) : problem401();
    });

    const response = await authFetch(me());

    expect(response.status).toBe(200);
    expect(seen.map((r) => new URL(r.url).pathname)).toEqual(['/api/v1/auth/me', '/api/v1/auth/refresh', '/api/v1/auth/me']);
    expect(tokenStore.get()).toMatchObject({ accessToken: 'new-access', refreshToken: 'new-refresh' });
    expect(onExpired).not.toHaveBeenCalled();
  });

  it('ends the session when the refresh fails', async () => {
    serve((request) => (new URL(request.url).pathname === '/api/v1/auth/refresh' ? problem401() : problem401()));

    const response = await authFetch(me());

    expect(response.status).toBe(401);
    expect(tokenStore.get()).toBeNull();
    expect(onExpired).toHaveBeenCalledTimes(1);
  });

  it('shares one refresh between concurrent 401s', async () => {
    const seen = serve((request) => {
      if (new URL(request.url).pathname === '/api/v1/auth/refresh') {
        return json({ access_token: 'new-access', refresh_token: 'new-refresh', token_type: 'bearer', expires_in: 60 });
      }
      return request.headers.get('Authorization') === 'Bearer new-access' ? json({ ok: true }) : problem401();
    });

    const responses = await Promise.all([authFetch(me()), authFetch(me()), authFetch(me())]);

    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(seen.filter((r) => new URL(r.url).pathname === '/api/v1/auth/refresh')).toHaveLength(1);
  });

  it('passes a 401 from the token endpoint through (wrong password is not an expired session)', async () => {
    const seen = serve(() => problem401());
    const login = new Request(new URL('/api/v1/auth/token', window.location.origin), { method: 'POST', body: 'username=a&password=b' });

    const response = await authFetch(login);

    expect(response.status).toBe(401);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers.get('Authorization')).toBeNull();
    expect(tokenStore.get()).not.toBeNull();
    expect(onExpired).not.toHaveBeenCalled();
  });
});
