import type { TokenPair } from './types';

// Tokens live in memory and in localStorage (so a reload keeps the session and
// other tabs follow a login or logout through the `storage` event).
export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds when the access token expires. */
  expiresAt: number;
}

export const TOKEN_STORAGE_KEY = 'techbroker.auth';

function isStoredTokens(value: unknown): value is StoredTokens {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.accessToken === 'string' && typeof v.refreshToken === 'string' && typeof v.expiresAt === 'number';
}

function readStorage(): StoredTokens | null {
  try {
    const raw = window.localStorage.getItem(TOKEN_STORAGE_KEY);
    if (raw === null) return null;
    const parsed: unknown = JSON.parse(raw);
    return isStoredTokens(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function writeStorage(tokens: StoredTokens | null): void {
  try {
    if (tokens === null) window.localStorage.removeItem(TOKEN_STORAGE_KEY);
    else window.localStorage.setItem(TOKEN_STORAGE_KEY, JSON.stringify(tokens));
  } catch {
    // Private mode or a full quota: the in-memory copy still serves this tab.
  }
}

let current: StoredTokens | null = readStorage();
const listeners = new Set<() => void>();

function emit(): void {
  for (const listener of listeners) listener();
}

function onStorage(event: StorageEvent): void {
  if (event.key !== TOKEN_STORAGE_KEY) return;
  current = readStorage();
  emit();
}

// Arrow functions: the methods are passed around unbound (useSyncExternalStore).
export const tokenStore = {
  get: (): StoredTokens | null => current,
  set: (pair: TokenPair): void => {
    current = {
      accessToken: pair.access_token,
      refreshToken: pair.refresh_token,
      expiresAt: Date.now() + pair.expires_in * 1000,
    };
    writeStorage(current);
    emit();
  },
  clear: (): void => {
    if (current === null) return;
    current = null;
    writeStorage(null);
    emit();
  },
  /** For useSyncExternalStore. */
  subscribe: (listener: () => void): (() => void) => {
    if (listeners.size === 0) window.addEventListener('storage', onStorage);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) window.removeEventListener('storage', onStorage);
    };
  },
};
