import { api } from './client';
import { ensureOk, unwrap } from './problem';
import { tokenStore } from './tokens';
import type { CurrentUser, TokenPair } from './types';

export interface Credentials {
  username: string;
  password: string;
}

/** OAuth2 password flow: the form is sent url-encoded, as FastAPI's OAuth2PasswordRequestForm expects. */
export async function login(credentials: Credentials): Promise<TokenPair> {
  const tokens = unwrap(
    await api.POST('/api/v1/auth/token', {
      body: { grant_type: 'password', username: credentials.username, password: credentials.password },
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    }),
  );
  tokenStore.set(tokens);
  return tokens;
}

export async function fetchMe(): Promise<CurrentUser> {
  return unwrap(await api.GET('/api/v1/auth/me'));
}

/** Revoke on the server when possible; the local session ends either way. */
export async function logout(): Promise<void> {
  try {
    if (tokenStore.get() !== null) ensureOk(await api.POST('/api/v1/auth/logout'));
  } finally {
    tokenStore.clear();
  }
}
