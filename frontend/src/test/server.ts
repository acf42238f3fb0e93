import { vi } from 'vitest';

export type Handler = (request: Request, params: Record<string, string>) => Response | Promise<Response>;

export function json(body: unknown, status = 200, type = 'application/json'): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });
}

/** An RFC 9457 answer, as the backend sends errors. */
export function problem(status: number, detail: string, extra: Record<string, unknown> = {}): Response {
  return json({ type: 'about:blank', title: `HTTP ${status}`, status, detail, ...extra }, status, 'application/problem+json');
}

export function page<T>(items: T[], total = items.length) {
  return { items, total, page: 1, page_size: 20 };
}

function matcher(pattern: string): (method: string, path: string) => Record<string, string> | null {
  const [method = '', path = ''] = pattern.split(' ');
  const names: string[] = [];
  const regex = new RegExp(`^${path.replace(/\{(\w+)\}/g, (_m, name: string) => { names.push(name); return '([^/]+)'; })}$`);
  return (m, p) => {
    if (m !== method) return null;
    const found = regex.exec(p);
    if (found === null) return null;
    return Object.fromEntries(names.map((name, i) => [name, found[i + 1] ?? '']));
  };
}

/**
 * A fake backend at the fetch layer: handlers keyed "METHOD /path/{param}", everything else a
 * 404 problem. Returns the requests seen (cloned, so their bodies can still be read).
 */
export function serve(handlers: Record<string, Handler>) {
  const routes = Object.entries(handlers).map(([pattern, handler]) => ({ match: matcher(pattern), handler }));
  const seen: Request[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      seen.push(request.clone());
      const { pathname } = new URL(request.url);
      for (const route of routes) {
        const params = route.match(request.method, pathname);
        if (params !== null) return Promise.resolve(route.handler(request, params));
      }
      return Promise.resolve(problem(404, `no handler for ${request.method} ${pathname}`));
    }),
  );
  return {
    seen,
    /** The requests to "METHOD /path" (exact path). */
    calls: (method: string, path: string) => seen.filter((r) => r.method === method && new URL(r.url).pathname === path),
  };
}
