import type { QueryClient } from '@tanstack/react-query';
import { createBrowserRouter } from 'react-router';

import { setSessionExpiredHandler } from '@/api/http';

import { routes } from './routes';

export function createAppRouter(queryClient: QueryClient) {
  const router = createBrowserRouter(routes);
  // A refresh that failed ends the session: forget cached answers and log in again.
  setSessionExpiredHandler(() => {
    queryClient.clear();
    const { pathname, search } = router.state.location;
    if (pathname === '/login') return;
    void router.navigate(`/login?next=${encodeURIComponent(pathname + search)}`, { replace: true });
  });
  return router;
}
