import { useMutation, useQuery } from '@tanstack/react-query';

import { api } from '@/api/client';
import { unwrap } from '@/api/problem';

export const chainKeys = {
  all: ['chains'] as const,
  list: () => [...chainKeys.all, 'list'] as const,
  one: (id: number) => [...chainKeys.all, id] as const,
  figures: (id: number) => [...chainKeys.all, id, 'figures'] as const,
  gaps: (id: number) => [...chainKeys.all, id, 'gaps'] as const,
};

export function useChains(enabled: boolean) {
  return useQuery({
    queryKey: chainKeys.list(),
    queryFn: async () => unwrap(await api.GET('/api/v1/chains')),
    enabled,
  });
}

export function useChain(id: number | undefined) {
  return useQuery({
    queryKey: chainKeys.one(id ?? 0),
    queryFn: async () => unwrap(await api.GET('/api/v1/chains/{chain_id}', { params: { path: { chain_id: id ?? 0 } } })),
    enabled: id !== undefined,
  });
}

/** Figures per node over the current quarter (the server's default period). */
export function useChainFigures(id: number | undefined) {
  return useQuery({
    queryKey: chainKeys.figures(id ?? 0),
    queryFn: async () => unwrap(await api.GET('/api/v1/chains/{chain_id}/figures', { params: { path: { chain_id: id ?? 0 } } })),
    enabled: id !== undefined,
  });
}

export function useChainGaps(id: number | undefined) {
  return useQuery({
    queryKey: chainKeys.gaps(id ?? 0),
    queryFn: async () => unwrap(await api.GET('/api/v1/chains/{chain_id}/gaps', { params: { path: { chain_id: id ?? 0 } } })),
    enabled: id !== undefined,
  });
}

/** A challenge pre-filled from a gap (nothing is stored). */
export function useChallengeDraft(chainId: number) {
  return useMutation({
    mutationFn: async (nodeKey: string) =>
      unwrap(
        await api.GET('/api/v1/chains/{chain_id}/gaps/{node_key}/challenge-draft', {
          params: { path: { chain_id: chainId, node_key: nodeKey } },
        }),
      ),
  });
}
