import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/api/client';
import { unwrap } from '@/api/problem';
import type { CollusionRole, DishonestyInput, SubjectKind } from '@/api/types';

import { claimKeys } from './rewards';

export interface DishonestyFilters {
  active_on?: string;
  subject_kind?: SubjectKind;
  q?: string;
  page?: number;
}

export const integrityKeys = {
  all: ['integrity'] as const,
  flags: (claimId: number) => [...integrityKeys.all, 'flags', claimId] as const,
  dishonesty: (filters: DishonestyFilters) => [...integrityKeys.all, 'dishonesty', filters] as const,
  scans: () => [...integrityKeys.all, 'scans'] as const,
};

/** A decision on a flag changes the claim (confirmed fraud claws it back). */
function useInvalidate() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([queryClient.invalidateQueries({ queryKey: integrityKeys.all }), queryClient.invalidateQueries({ queryKey: claimKeys.all })]);
}

export function useClaimFlags(claimId: number) {
  return useQuery({
    queryKey: integrityKeys.flags(claimId),
    queryFn: async () => unwrap(await api.GET('/api/v1/integrity/flags', { params: { query: { claim_id: claimId, page_size: 200 } } })),
  });
}

export function useDismissFlag() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async ({ id, reason }: { id: number; reason: string }) =>
      unwrap(await api.POST('/api/v1/integrity/flags/{flag_id}/dismiss', { params: { path: { flag_id: id } }, body: { reason } })),
    onSuccess: invalidate,
  });
}

/** Confirm fraud: the claim's reward is clawed back and the broker (and named colluders) listed. */
export function useConfirmFlag() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async ({ id, reason, colluding }: { id: number; reason: string; colluding: CollusionRole[] }) =>
      unwrap(
        await api.POST('/api/v1/integrity/flags/{flag_id}/confirm', {
          params: { path: { flag_id: id } },
          body: { reason, colluding, colluding_broker_ids: [] },
        }),
      ),
    onSuccess: invalidate,
  });
}

export function useDishonestyList(filters: DishonestyFilters) {
  return useQuery({
    queryKey: integrityKeys.dishonesty(filters),
    queryFn: async () => unwrap(await api.GET('/api/v1/integrity/dishonesty', { params: { query: { ...filters, page_size: 50 } } })),
    placeholderData: keepPreviousData,
  });
}

export function useAddDishonesty() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (body: DishonestyInput) => unwrap(await api.POST('/api/v1/integrity/dishonesty', { body })),
    onSuccess: invalidate,
  });
}

export function useRevokeDishonesty() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async ({ id, reason }: { id: number; reason: string }) =>
      unwrap(await api.POST('/api/v1/integrity/dishonesty/{listing_id}/revoke', { params: { path: { listing_id: id } }, body: { reason } })),
    onSuccess: invalidate,
  });
}

export function useScans(poll: boolean) {
  return useQuery({
    queryKey: integrityKeys.scans(),
    queryFn: async () => unwrap(await api.GET('/api/v1/integrity/scans', { params: { query: { page_size: 5 } } })),
    refetchInterval: poll ? 2000 : false,
  });
}

export function useRequestScan() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/integrity/scans')),
    onSuccess: invalidate,
  });
}
