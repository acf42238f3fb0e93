import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/api/client';
import { authFetch } from '@/api/http';
import { apiErrorFromResponse, unwrap } from '@/api/problem';
import type { components } from '@/api/schema';

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

// --- the administrators' editor -------------------------------------------------------------

type GraphIn = components['schemas']['GraphIn'];
type ChainIn = components['schemas']['ChainIn'];
type ChainOut = components['schemas']['ChainOut'];
type ListingKind = components['schemas']['ListingKind'];

export function useChainVersions(id: number | undefined) {
  return useQuery({
    queryKey: [...chainKeys.one(id ?? 0), 'versions'],
    queryFn: async () => unwrap(await api.GET('/api/v1/chains/{chain_id}/versions', { params: { path: { chain_id: id ?? 0 } } })),
    enabled: id !== undefined,
  });
}

export function useChainVersion(id: number, number: number | undefined) {
  return useQuery({
    queryKey: [...chainKeys.one(id), 'versions', number ?? 0],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/chains/{chain_id}/versions/{number}', { params: { path: { chain_id: id, number: number ?? 0 } } })),
    enabled: number !== undefined,
  });
}

export function useCreateChain() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: ChainIn) => unwrap(await api.POST('/api/v1/chains', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: chainKeys.all }),
  });
}

/** Save the whole graph: a new version. */
export function useSaveChain(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: GraphIn) => unwrap(await api.PUT('/api/v1/chains/{chain_id}', { params: { path: { chain_id: id } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: chainKeys.all }),
  });
}

/** A workbook in the export's layout: a new chain (no id) or a new version of chain `id`. */
export function useImportChain(id: number | undefined) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (file: File): Promise<ChainOut> => {
      const form = new FormData();
      form.append('file', file);
      const path = id === undefined ? '/api/v1/chains/import' : `/api/v1/chains/${id}/import`;
      const response = await authFetch(
        new Request(new URL(path, window.location.origin), {
          method: id === undefined ? 'POST' : 'PUT',
          body: form,
          headers: { Accept: 'application/json' },
        }),
      );
      if (!response.ok) throw await apiErrorFromResponse(response);
      return (await response.json()) as ChainOut;
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: chainKeys.all }),
  });
}

// --- a listing's placements -----------------------------------------------------------------

export function useListingPlacements(kind: ListingKind, listingId: number, enabled: boolean) {
  return useQuery({
    queryKey: [...chainKeys.all, 'listing', kind, listingId],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/chains/listings/{listing_kind}/{listing_id}/placements', {
          params: { path: { listing_kind: kind, listing_id: listingId } },
        }),
      ),
    enabled,
  });
}

export function usePlaceListing() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ chainId, ...body }: { chainId: number; node_key: string; listing_kind: ListingKind; listing_id: number }) =>
      unwrap(await api.POST('/api/v1/chains/{chain_id}/placements', { params: { path: { chain_id: chainId } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: chainKeys.all }),
  });
}

export function useRemovePlacement() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ chainId, placementId }: { chainId: number; placementId: number }) =>
      unwrap(
        await api.DELETE('/api/v1/chains/{chain_id}/placements/{placement_id}', {
          params: { path: { chain_id: chainId, placement_id: placementId } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: chainKeys.all }),
  });
}
