import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/api/client';
import { unwrap } from '@/api/problem';
import type { FollowUpStatus, OutcomeInput } from '@/api/types';

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
    mutationFn: async (action: { kind: 'register'; id: number } | { kind: 'consent'; id: number; requestId: number; accept: boolean } | { kind: 'hold'; id: number }) => {
      if (action.kind === 'register') return unwrap(await api.POST('/api/v1/roadshows/{roadshow_id}/registration', { params: { path: { roadshow_id: action.id } } }));
      if (action.kind === 'hold') return unwrap(await api.POST('/api/v1/roadshows/{roadshow_id}/hold', { params: { path: { roadshow_id: action.id } } }));
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
