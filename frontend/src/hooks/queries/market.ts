import { useQuery } from '@tanstack/react-query';

import { api } from '@/api/client';
import { unwrap } from '@/api/problem';

export const marketKeys = {
  all: ['market'] as const,
  figures: () => [...marketKeys.all, 'figures'] as const,
};

/** Public market figures: listing counts as a visitor sees them, deals, contract amounts, rewards.
 *  Asked again whenever a page showing them mounts or the window regains focus: a listing
 *  just published shows at once (the server's own cache absorbs the load). */
export function useMarketFigures() {
  return useQuery({
    queryKey: marketKeys.figures(),
    queryFn: async () => unwrap(await api.GET('/api/v1/market/figures')),
    staleTime: 0,
    refetchOnMount: 'always',
    refetchOnWindowFocus: 'always',
  });
}
