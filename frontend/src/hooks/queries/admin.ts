import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/api/client';
import { unwrap } from '@/api/problem';
import type { FieldInput, FieldUpdate, ListingKind, PayoutBatchStatus } from '@/api/types';

import { achievementKeys, demandKeys, fieldKeys } from './listings';

// Administrators' pages for features that had an API and no page: payout batches, listing
// moderation (hide/unhide, brokers assigned to a private demand), the field taxonomy.

export const adminKeys = {
  all: ['admin'] as const,
  batches: (status: PayoutBatchStatus | null, page: number) => [...adminKeys.all, 'batches', status, page] as const,
  brokers: () => [...adminKeys.all, 'brokers'] as const,
};

export function usePayoutBatches(status: PayoutBatchStatus | null, page: number) {
  return useQuery({
    queryKey: adminKeys.batches(status, page),
    queryFn: async () => unwrap(await api.GET('/api/v1/payouts', { params: { query: { status, page, page_size: 20 } } })),
    placeholderData: keepPreviousData,
  });
}

function useInvalidateBatches() {
  const queryClient = useQueryClient();
  return () => Promise.all([queryClient.invalidateQueries({ queryKey: [...adminKeys.all, 'batches'] }), queryClient.invalidateQueries({ queryKey: ['claims'] })]);
}

/** A batch of every approved claim not yet in one (or of the ones given). */
export function useCreateBatch() {
  const invalidate = useInvalidateBatches();
  return useMutation({
    mutationFn: async (note: string | null) => unwrap(await api.POST('/api/v1/payouts', { body: { note } })),
    onSuccess: invalidate,
  });
}

export function usePayBatch() {
  const invalidate = useInvalidateBatches();
  return useMutation({
    mutationFn: async ({ id, bankReference }: { id: number; bankReference: string }) =>
      unwrap(await api.POST('/api/v1/payouts/{batch_id}/pay', { params: { path: { batch_id: id } }, body: { bank_reference: bankReference } })),
    onSuccess: invalidate,
  });
}

export function useCancelBatch() {
  const invalidate = useInvalidateBatches();
  return useMutation({
    mutationFn: async (id: number) => unwrap(await api.POST('/api/v1/payouts/{batch_id}/cancel', { params: { path: { batch_id: id } } })),
    onSuccess: invalidate,
  });
}

/** Every broker (administrators), for names beside ids. */
export function useAllBrokers() {
  return useQuery({
    queryKey: adminKeys.brokers(),
    queryFn: async () => unwrap(await api.GET('/api/v1/brokers', { params: { query: { page_size: 200 } } })),
    staleTime: 5 * 60_000,
  });
}

function useInvalidateListings() {
  const queryClient = useQueryClient();
  return () => Promise.all([queryClient.invalidateQueries({ queryKey: demandKeys.all }), queryClient.invalidateQueries({ queryKey: achievementKeys.all })]);
}

export function useHideListing() {
  const invalidate = useInvalidateListings();
  return useMutation({
    mutationFn: async ({ kind, id, reason }: { kind: ListingKind; id: number; reason: string }) =>
      kind === 'demand'
        ? unwrap(await api.POST('/api/v1/demands/{demand_id}/hide', { params: { path: { demand_id: id } }, body: { reason } }))
        : unwrap(await api.POST('/api/v1/achievements/{achievement_id}/hide', { params: { path: { achievement_id: id } }, body: { reason } })),
    onSuccess: invalidate,
  });
}

export function useUnhideListing() {
  const invalidate = useInvalidateListings();
  return useMutation({
    mutationFn: async ({ kind, id }: { kind: ListingKind; id: number }) =>
      kind === 'demand'
        ? unwrap(await api.POST('/api/v1/demands/{demand_id}/unhide', { params: { path: { demand_id: id } } }))
        : unwrap(await api.POST('/api/v1/achievements/{achievement_id}/unhide', { params: { path: { achievement_id: id } } })),
    onSuccess: invalidate,
  });
}

export function useAssignDemandBroker() {
  const invalidate = useInvalidateListings();
  return useMutation({
    mutationFn: async ({ demandId, brokerId }: { demandId: number; brokerId: number }) =>
      unwrap(await api.POST('/api/v1/demands/{demand_id}/brokers', { params: { path: { demand_id: demandId } }, body: { broker_id: brokerId } })),
    onSuccess: invalidate,
  });
}

export function useUnassignDemandBroker() {
  const invalidate = useInvalidateListings();
  return useMutation({
    mutationFn: async ({ demandId, brokerId }: { demandId: number; brokerId: number }) =>
      unwrap(await api.DELETE('/api/v1/demands/{demand_id}/brokers/{broker_id}', { params: { path: { demand_id: demandId, broker_id: brokerId } } })),
    onSuccess: invalidate,
  });
}

function useInvalidateFields() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: fieldKeys.all });
}

export function useCreateField() {
  const invalidate = useInvalidateFields();
  return useMutation({
    mutationFn: async (body: FieldInput) => unwrap(await api.POST('/api/v1/fields', { body })),
    onSuccess: invalidate,
  });
}

export function useUpdateField() {
  const invalidate = useInvalidateFields();
  return useMutation({
    mutationFn: async ({ id, body }: { id: number; body: FieldUpdate }) => unwrap(await api.PATCH('/api/v1/fields/{field_id}', { params: { path: { field_id: id } }, body })),
    onSuccess: invalidate,
  });
}
