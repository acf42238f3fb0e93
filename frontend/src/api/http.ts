import { ApiError } from './problem';
import { tokenStore } from './tokens';
import type { TokenPair } from './types';

export const AUTH_TOKEN_PATH = '/api/v1/auth/token';
export const AUTH_REFRESH_PATH = '/api/v1/auth/refresh';

type SessionExpiredHandler = () => void;

let onSessionExpired: SessionExpiredHandler = () => {
  const next = window.location.pathname + window.location.search;
  window.location.assign(`/login?next=${encodeURIComponent(next)}`);
};

/** The app replaces the hard redirect with a router navigation. */
export function setSessionExpiredHandler(handler: SessionExpiredHandler): void {
  onSessionExpired = handler;
}

function isTokenEndpoint(url: string): boolean {
  const { pathname } = new URL(url, window.location.origin);
  return pathname === AUTH_TOKEN_PATH || pathname === AUTH_REFRESH_PATH;
}

let refreshInFlight: Promise<boolean> | null = null;

async function refreshTokens(refreshToken: string): Promise<boolean> {
  try {
    const response = await globalThis.fetch(new URL(AUTH_REFRESH_PATH, window.location.origin), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ refresh_token: refreshToken }),
    });
    if (!response.ok) return false;
    tokenStore.set((await response.json()) as TokenPair);
    return true;
  } catch {
    return false;
  }
}

/** One refresh at a time: concurrent 401s wait for the same attempt. */
function refreshOnce(refreshToken: string): Promise<boolean> {
  refreshInFlight ??= refreshTokens(refreshToken).finally(() => {
    refreshInFlight = null;
  });
  return refreshInFlight;
}

function expireSession(): void {
  tokenStore.clear();
  onSessionExpired();
}

/**
 * fetch with the bearer token; on a 401 refresh the tokens once and retry,
 * and if that fails too, drop the session and send the user to /login.
 * Anonymous requests and the token endpoints themselves pass 401s through.
 */
export async function authFetch(request: Request): Promise<Response> {
  const tokens = tokenStore.get();
  if (tokens === null || isTokenEndpoint(request.url)) return globalThis.fetch(request);

  const retry = request.clone();
  request.headers.set('Authorization', `Bearer ${tokens.accessToken}`);
  const response = await globalThis.fetch(request);
  if (response.status !== 401) return response;

  // Another request may have refreshed while this one was in flight.
  const latest = tokenStore.get();
  const fresh =
    latest !== null && latest.accessToken !== tokens.accessToken ? true : await refreshOnce(tokens.refreshToken);
  const accessToken = tokenStore.get()?.accessToken;
  if (!fresh || accessToken === undefined) {
    expireSession();
    return response;
  }
  retry.headers.set('Authorization', `Bearer ${accessToken}`);
  const retried = await globalThis.fetch(retry);
  if (retried.status === 401) expireSession();
  return retried;
}

export { ApiError };
