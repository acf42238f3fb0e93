import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/api/client';
import { unwrap } from '@/api/problem';
import type { ClaimQuery, ClaimSide, PayeeAccountInput, PayeeStatus, PolicyCreate, PolicyTerms, RewardPreviewInput, RewardStatsQuery } from '@/api/types';

import { dealKeys } from './deals';

export const policyKeys = {
  all: ['policies'] as const,
  list: (includeSuperseded: boolean) => [...policyKeys.all, 'list', includeSuperseded] as const,
  versions: (id: number) => [...policyKeys.all, 'versions', id] as const,
  inForce: (signedOn: string, region: string | null) => [...policyKeys.all, 'in-force', signedOn, region] as const,
};

export const claimKeys = {
  all: ['claims'] as const,
  list: (query: ClaimQuery) => [...claimKeys.all, 'list', query] as const,
  detail: (id: number) => [...claimKeys.all, 'detail', id] as const,
};

export const statsKeys = {
  all: ['stats'] as const,
  rewards: (query: RewardStatsQuery) => [...statsKeys.all, 'rewards', query] as const,
  flags: (since?: string, until?: string) => [...statsKeys.all, 'flags', since, until] as const,
};

// --- policies -------------------------------------------------------------------------------

export function usePolicies(includeSuperseded = false) {
  return useQuery({
    queryKey: policyKeys.list(includeSuperseded),
    queryFn: async () => unwrap(await api.GET('/api/v1/reward-policies', { params: { query: { include_superseded: includeSuperseded } } })),
  });
}

export function usePolicyVersions(id: number | null) {
  return useQuery({
    queryKey: policyKeys.versions(id ?? 0),
    queryFn: async () => unwrap(await api.GET('/api/v1/reward-policies/{policy_id}/versions', { params: { path: { policy_id: id ?? 0 } } })),
    enabled: id !== null,
  });
}

/** The policy a contract signed on that date in that region falls under (404: none). */
export function usePolicyInForce(signedOn: string | null, region: string | null) {
  return useQuery({
    queryKey: policyKeys.inForce(signedOn ?? '', region),
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/reward-policies/in-force', { params: { query: { signed_on: signedOn ?? '', region } } })),
    enabled: signedOn !== null,
  });
}

export function useSavePolicy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (request: { kind: 'create'; body: PolicyCreate } | { kind: 'revise'; id: number; body: PolicyTerms }) =>
      request.kind === 'create'
        ? unwrap(await api.POST('/api/v1/reward-policies', { body: request.body }))
        : unwrap(await api.PUT('/api/v1/reward-policies/{policy_id}', { params: { path: { policy_id: request.id } }, body: request.body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: policyKeys.all }),
  });
}

/** The server's calculation for a contract, without claiming (the number that will count). */
export function useRewardPreview(body: RewardPreviewInput | null) {
  return useQuery({
    queryKey: ['reward-preview', body] as const,
    queryFn: async () => unwrap(await api.POST('/api/v1/reward-policies/preview', { body: body ?? { contract_amount: '0' } })),
    enabled: body !== null,
    retry: false,
  });
}

// --- claims ---------------------------------------------------------------------------------

export function useClaims(query: ClaimQuery, enabled = true) {
  return useQuery({
    queryKey: claimKeys.list(query),
    queryFn: async () => unwrap(await api.GET('/api/v1/claims', { params: { query } })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useClaim(id: number) {
  return useQuery({
    queryKey: claimKeys.detail(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/claims/{claim_id}', { params: { path: { claim_id: id } } })),
  });
}

export function useSubmitClaim() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: { deal_id: number; side: ClaimSide | null }) => unwrap(await api.POST('/api/v1/claims', { body })),
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: claimKeys.all }), queryClient.invalidateQueries({ queryKey: dealKeys.all })]),
  });
}

export type ReviewAction = { kind: 'review' } | { kind: 'approve' } | { kind: 'reject'; reason: string } | { kind: 'pay'; reference: string };

export function useReviewClaim(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (action: ReviewAction) => {
      const path = { params: { path: { claim_id: id } } };
      switch (action.kind) {
        case 'review':
          return unwrap(await api.POST('/api/v1/claims/{claim_id}/review', path));
        case 'approve':
          return unwrap(await api.POST('/api/v1/claims/{claim_id}/approve', path));
        case 'reject':
          return unwrap(await api.POST('/api/v1/claims/{claim_id}/reject', { ...path, body: { reason: action.reason } }));
        case 'pay':
          return unwrap(await api.POST('/api/v1/claims/{claim_id}/pay', { ...path, body: { payment_reference: action.reference } }));
      }
    },
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: claimKeys.all }), queryClient.invalidateQueries({ queryKey: statsKeys.all })]),
  });
}

// --- claw-backs, statistics -----------------------------------------------------------------

export function useClawbacks(page: number) {
  return useQuery({
    queryKey: ['clawbacks', page] as const,
    queryFn: async () => unwrap(await api.GET('/api/v1/clawbacks', { params: { query: { page, page_size: 20 } } })),
    placeholderData: keepPreviousData,
  });
}

export function useRewardStats(query: RewardStatsQuery) {
  return useQuery({
    queryKey: statsKeys.rewards(query),
    queryFn: async () => unwrap(await api.GET('/api/v1/stats/rewards', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useFlagStats(since?: string, until?: string) {
  return useQuery({
    queryKey: statsKeys.flags(since, until),
    queryFn: async () => unwrap(await api.GET('/api/v1/stats/flags', { params: { query: { since, until } } })),
  });
}

// --- the broker's own payee account -----------------------------------------------------------

export const payeeKeys = {
  all: ['payee-accounts'] as const,
  mine: () => [...payeeKeys.all, 'mine'] as const,
  list: (status: PayeeStatus | null) => [...payeeKeys.all, 'list', status] as const,
};

export function useMyPayeeAccount(enabled = true) {
  return useQuery({
    queryKey: payeeKeys.mine(),
    queryFn: async () => unwrap(await api.GET('/api/v1/payee-accounts/mine')),
    enabled,
  });
}

export function useSetMyPayeeAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: PayeeAccountInput) => unwrap(await api.PUT('/api/v1/payee-accounts/mine', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: payeeKeys.all }),
  });
}

export function usePayeeAccounts(status: PayeeStatus | null) {
  return useQuery({
    queryKey: payeeKeys.list(status),
    queryFn: async () => unwrap(await api.GET('/api/v1/payee-accounts', { params: { query: { status, page: 1, page_size: 50 } } })),
  });
}

export function useVerifyPayeeAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ brokerId, status, note }: { brokerId: number; status: 'verified' | 'rejected'; note?: string }) =>
      unwrap(await api.POST('/api/v1/payee-accounts/{broker_id}/verification', { params: { path: { broker_id: brokerId } }, body: { status, note: note ?? null } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: payeeKeys.all }),
  });
}

/** An administrator reviews a claw-back a re-computation raised: due, or waived. */
export function useReviewClawback() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, decision, note }: { id: number; decision: 'due' | 'waived'; note: string }) =>
      unwrap(await api.POST('/api/v1/clawbacks/{clawback_id}/review', { params: { path: { clawback_id: id } }, body: { decision, note } })),
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: claimKeys.all }), queryClient.invalidateQueries({ queryKey: ['clawbacks'] })]),
  });
}

/** An administrator records that a claw-back's money came back, with the bank reference. */
export function useRecordRecovery() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, reference }: { id: number; reference: string }) =>
      unwrap(await api.POST('/api/v1/clawbacks/{clawback_id}/recovered', { params: { path: { clawback_id: id } }, body: { recovery_reference: reference } })),
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: claimKeys.all }), queryClient.invalidateQueries({ queryKey: ['clawbacks'] })]),
  });
}
