import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/api/client';
import { unwrap } from '@/api/problem';
import type { operations } from '@/api/schema';
import type { FinancingInput, FinancingUpdateInput, FollowUpStatus, MandateInput, OutcomeInput, RoadshowInput } from '@/api/types';

export const capitalKeys = { all: ['capital'] as const };

function useInvalidateCapital() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: capitalKeys.all });
}

export function useInvestorFeed() {
  return useQuery({
    queryKey: [...capitalKeys.all, 'feed'],
    queryFn: async () => unwrap(await api.GET('/api/v1/investors/me/feed', { params: { query: { page_size: 100 } } })),
  });
}

export function useFinancingRequests() {
  return useQuery({
    queryKey: [...capitalKeys.all, 'requests'],
    queryFn: async () => unwrap(await api.GET('/api/v1/financing-requests', { params: { query: { page_size: 100 } } })),
  });
}

export function useFinancingRequest(id: number) {
  return useQuery({
    queryKey: [...capitalKeys.all, 'request', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/financing-requests/{request_id}', { params: { path: { request_id: id } } })),
  });
}

export function useFinancingInterests(id: number) {
  return useQuery({
    queryKey: [...capitalKeys.all, 'interests', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/financing-requests/{request_id}/interests', { params: { path: { request_id: id } } })),
  });
}

export function useThreads(id: number) {
  return useQuery({
    queryKey: [...capitalKeys.all, 'threads', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/financing-requests/{request_id}/threads', { params: { path: { request_id: id } } })),
  });
}

export function useMarkInterest() {
  const invalidate = useInvalidateCapital();
  return useMutation({
    mutationFn: async ({ id, note }: { id: number; note?: string }) =>
      unwrap(await api.POST('/api/v1/financing-requests/{request_id}/interest', { params: { path: { request_id: id } }, body: { note: note?.trim() === '' ? null : (note ?? null) } })),
    onSuccess: invalidate,
  });
}

export function useRecordOutcome() {
  const invalidate = useInvalidateCapital();
  return useMutation({
    mutationFn: async ({ id, body }: { id: number; body: OutcomeInput }) =>
      unwrap(await api.POST('/api/v1/financing-requests/{request_id}/outcome', { params: { path: { request_id: id } }, body })),
    onSuccess: invalidate,
  });
}

export function useAnswerOutcome() {
  const invalidate = useInvalidateCapital();
  return useMutation({
    mutationFn: async ({ id, interestId, reason }: { id: number; interestId: number; reason?: string }) =>
      reason === undefined
        ? unwrap(await api.POST('/api/v1/financing-requests/{request_id}/interests/{interest_id}/confirm', { params: { path: { request_id: id, interest_id: interestId } } }))
        : unwrap(await api.POST('/api/v1/financing-requests/{request_id}/interests/{interest_id}/dispute', { params: { path: { request_id: id, interest_id: interestId } }, body: { reason } })),
    onSuccess: invalidate,
  });
}

export function useAsk() {
  const invalidate = useInvalidateCapital();
  return useMutation({
    mutationFn: async ({ id, body, investorId }: { id: number; body: string; investorId?: number }) =>
      investorId === undefined
        ? unwrap(await api.POST('/api/v1/financing-requests/{request_id}/threads', { params: { path: { request_id: id } }, body: { body } }))
        : unwrap(await api.POST('/api/v1/financing-requests/{request_id}/threads/{investor_id}', { params: { path: { request_id: id, investor_id: investorId } }, body: { body } })),
    onSuccess: invalidate,
  });
}

export function useRoadshows() {
  return useQuery({ queryKey: [...capitalKeys.all, 'roadshows'], queryFn: async () => unwrap(await api.GET('/api/v1/roadshows')) });
}

export function useRoadshowAction() {
  const invalidate = useInvalidateCapital();
  return useMutation({
    mutationFn: async (action: { kind: 'register'; id: number } | { kind: 'consent'; id: number; requestId: number; accept: boolean } | { kind: 'hold'; id: number } | { kind: 'cancel'; id: number }) => {
      if (action.kind === 'register') return unwrap(await api.POST('/api/v1/roadshows/{roadshow_id}/registration', { params: { path: { roadshow_id: action.id } } }));
      if (action.kind === 'hold') return unwrap(await api.POST('/api/v1/roadshows/{roadshow_id}/hold', { params: { path: { roadshow_id: action.id } } }));
      if (action.kind === 'cancel') return unwrap(await api.POST('/api/v1/roadshows/{roadshow_id}/cancel', { params: { path: { roadshow_id: action.id } } }));
      return unwrap(await api.POST('/api/v1/roadshows/{roadshow_id}/presentations/{request_id}/consent', { params: { path: { roadshow_id: action.id, request_id: action.requestId } }, body: { accept: action.accept } }));
    },
    onSuccess: invalidate,
  });
}

export function useRoadshowInterest() {
  const invalidate = useInvalidateCapital();
  return useMutation({
    mutationFn: async ({ id, requestId, status }: { id: number; requestId: number; status: FollowUpStatus }) =>
      unwrap(await api.PUT('/api/v1/roadshows/{roadshow_id}/presentations/{request_id}/interest', { params: { path: { roadshow_id: id, request_id: requestId } }, body: { status } })),
    onSuccess: invalidate,
  });
}

export function useCapitalStats() {
  return useQuery({ queryKey: [...capitalKeys.all, 'stats'], queryFn: async () => unwrap(await api.GET('/api/v1/capital/statistics')) });
}

// --- the owner's editor, the mandate, the organiser's forms, the public totals --------------------

export type FeedFilters = NonNullable<operations['capital-investor_feed']['parameters']['query']>;

export function useFilteredFeed(filters: FeedFilters) {
  return useQuery({
    queryKey: [...capitalKeys.all, 'feed', filters],
    queryFn: async () => unwrap(await api.GET('/api/v1/investors/me/feed', { params: { query: { page_size: 100, ...filters } } })),
    placeholderData: keepPreviousData,
  });
}

/** Verified investors whose name contains `q` (to name a request's audience or invite one). */
export function useInvestorSearch(q: string, enabled = true) {
  return useQuery({
    queryKey: [...capitalKeys.all, 'investors', q],
    queryFn: async () => unwrap(await api.GET('/api/v1/investors', { params: { query: q.trim() === '' ? {} : { q: q.trim() } } })),
    enabled,
    placeholderData: keepPreviousData,
  });
}

export function useSaveFinancing() {
  const invalidate = useInvalidateCapital();
  return useMutation({
    mutationFn: async (save: { create: FinancingInput } | { id: number; update: FinancingUpdateInput }) =>
      'create' in save
        ? unwrap(await api.POST('/api/v1/financing-requests', { body: save.create }))
        : unwrap(await api.PATCH('/api/v1/financing-requests/{request_id}', { params: { path: { request_id: save.id } }, body: save.update })),
    onSuccess: invalidate,
  });
}

export function useFinancingAction() {
  const invalidate = useInvalidateCapital();
  return useMutation({
    mutationFn: async ({ id, action }: { id: number; action: 'publish' | 'withdraw' | 'close' }) => {
      const params = { params: { path: { request_id: id } } };
      if (action === 'publish') return unwrap(await api.POST('/api/v1/financing-requests/{request_id}/publish', params));
      if (action === 'withdraw') return unwrap(await api.POST('/api/v1/financing-requests/{request_id}/withdraw', params));
      return unwrap(await api.POST('/api/v1/financing-requests/{request_id}/close', params));
    },
    onSuccess: invalidate,
  });
}

export function useMandate(enabled = true) {
  return useQuery({
    queryKey: [...capitalKeys.all, 'mandate'],
    queryFn: async () => {
      const result = await api.GET('/api/v1/investors/me/mandate');
      // No mandate yet: an empty form, not an error.
      if (result.response.status === 404) return null;
      return unwrap(result);
    },
    enabled,
  });
}

export function useSaveMandate() {
  const invalidate = useInvalidateCapital();
  return useMutation({
    mutationFn: async (body: MandateInput) => unwrap(await api.PUT('/api/v1/investors/me/mandate', { body })),
    onSuccess: invalidate,
  });
}

export function useRoadshow(id: number, enabled = true) {
  return useQuery({
    queryKey: [...capitalKeys.all, 'roadshow', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/roadshows/{roadshow_id}', { params: { path: { roadshow_id: id } } })),
    enabled,
  });
}

export function useSaveRoadshow() {
  const invalidate = useInvalidateCapital();
  return useMutation({
    mutationFn: async ({ id, body }: { id?: number; body: RoadshowInput }) =>
      id === undefined
        ? unwrap(await api.POST('/api/v1/roadshows', { body }))
        : unwrap(await api.PUT('/api/v1/roadshows/{roadshow_id}', { params: { path: { roadshow_id: id } }, body })),
    onSuccess: invalidate,
  });
}

export function useRoadshowInvite() {
  const invalidate = useInvalidateCapital();
  return useMutation({
    mutationFn: async (invite: { id: number; requestId: number } | { id: number; organisationId: number }) =>
      'requestId' in invite
        ? unwrap(await api.POST('/api/v1/roadshows/{roadshow_id}/presentations', { params: { path: { roadshow_id: invite.id } }, body: { request_id: invite.requestId } }))
        : unwrap(await api.POST('/api/v1/roadshows/{roadshow_id}/investors', { params: { path: { roadshow_id: invite.id } }, body: { organisation_id: invite.organisationId } })),
    onSuccess: invalidate,
  });
}

export function useRoadshowInterests(id: number, enabled = true) {
  return useQuery({
    queryKey: [...capitalKeys.all, 'roadshow-interests', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/roadshows/{roadshow_id}/interests', { params: { path: { roadshow_id: id } } })),
    enabled,
  });
}

/** The public market page's capital totals (no login). */
export function useCapitalTotals() {
  return useQuery({ queryKey: [...capitalKeys.all, 'totals'], queryFn: async () => unwrap(await api.GET('/api/v1/capital/totals')) });
}
