import { useSyncExternalStore } from 'react';

import { tokenStore } from '@/api/tokens';
import type { CurrentUser } from '@/api/types';
import { useMe } from '@/hooks/queries/accounts';

export type Session =
  | { status: 'anonymous' }
  | { status: 'loading' }
  | { status: 'error'; error: Error; retry: () => void }
  | { status: 'authenticated'; user: CurrentUser };

/** Who is signed in: derived from the stored tokens and the `me` query. */
export function useSession(): Session {
  const tokens = useSyncExternalStore(tokenStore.subscribe, tokenStore.get);
  const me = useMe(tokens !== null);

  if (tokens === null) return { status: 'anonymous' };
  if (me.data !== undefined) return { status: 'authenticated', user: me.data };
  if (me.isError) return { status: 'error', error: me.error, retry: () => void me.refetch() };
  return { status: 'loading' };
}
