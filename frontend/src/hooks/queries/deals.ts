import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/api/client';
import { postForm } from '@/api/files';
import { ensureOk, unwrap } from '@/api/problem';
import type { ContractFile, ContractInput, DealStage, EvidenceKind, PaymentCorrection, PaymentInput, RegistrationInput, RegistryImportResult } from '@/api/types';

export interface DealFilters {
  stage?: DealStage[];
  open_only?: boolean;
  page?: number;
  page_size?: number;
}

export const dealKeys = {
  all: ['deals'] as const,
  list: (filters: DealFilters) => [...dealKeys.all, 'list', filters] as const,
  detail: (id: number) => [...dealKeys.all, 'detail', id] as const,
  timeline: (id: number) => [...dealKeys.all, 'timeline', id] as const,
  dashboard: () => [...dealKeys.all, 'dashboard'] as const,
  /** What awaits the user's confirmation: under `all`, so every deal change refreshes it. */
  awaiting: () => [...dealKeys.all, 'confirmations'] as const,
};

export const registryKeys = {
  all: ['registry'] as const,
  contracts: (status: string[], page: number) => [...registryKeys.all, 'contracts', status, page] as const,
  imports: () => [...registryKeys.all, 'imports'] as const,
};

export function useDeals(filters: DealFilters = {}) {
  return useQuery({
    queryKey: dealKeys.list(filters),
    queryFn: async () => unwrap(await api.GET('/api/v1/deals', { params: { query: filters } })),
    placeholderData: keepPreviousData,
  });
}

/** A deal by id; `null` (none chosen yet) asks nothing. */
export function useDeal(id: number | null) {
  return useQuery({
    queryKey: dealKeys.detail(id ?? 0),
    queryFn: async () => unwrap(await api.GET('/api/v1/deals/{deal_id}', { params: { path: { deal_id: id ?? 0 } } })),
    enabled: id !== null,
  });
}

export function useDealTimeline(id: number) {
  return useQuery({
    queryKey: dealKeys.timeline(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/deals/{deal_id}/timeline', { params: { path: { deal_id: id } } })),
  });
}

export function useDealDashboard(enabled = true) {
  return useQuery({
    queryKey: dealKeys.dashboard(),
    queryFn: async () => unwrap(await api.GET('/api/v1/deals/dashboard')),
    enabled,
  });
}

/** Every change to a deal can move it on the board, its timeline and the dashboard. */
function useInvalidateDeals() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: dealKeys.all });
}

const path = (id: number) => ({ params: { path: { deal_id: id } } });

/** A broker claims a matched pair: opens a deal on the demand and the achievement. */
export function useOpenDeal() {
  const invalidate = useInvalidateDeals();
  return useMutation({
    mutationFn: async (body: { demand_id: number; achievement_id: number }) => unwrap(await api.POST('/api/v1/deals', { body })),
    onSuccess: invalidate,
  });
}

export function useRespondToIntroduction() {
  const invalidate = useInvalidateDeals();
  return useMutation({
    mutationFn: async ({ id, accept, reason }: { id: number; accept: boolean; reason?: string }) =>
      accept
        ? unwrap(await api.POST('/api/v1/deals/{deal_id}/accept', path(id)))
        : unwrap(await api.POST('/api/v1/deals/{deal_id}/decline', { ...path(id), body: { reason: reason ?? null } })),
    onSuccess: invalidate,
  });
}

export function useTransitionDeal() {
  const invalidate = useInvalidateDeals();
  return useMutation({
    mutationFn: async ({ id, to, reason }: { id: number; to: DealStage; reason?: string }) =>
      unwrap(await api.POST('/api/v1/deals/{deal_id}/transitions', { ...path(id), body: { to_stage: to, reason: reason ?? null } })),
    onSuccess: invalidate,
  });
}

export function useRecordContract(id: number) {
  const invalidate = useInvalidateDeals();
  return useMutation({
    mutationFn: async (body: ContractInput) => unwrap(await api.PUT('/api/v1/deals/{deal_id}/contract', { ...path(id), body })),
    onSuccess: invalidate,
  });
}

export function useRegisterContract(id: number) {
  const invalidate = useInvalidateDeals();
  return useMutation({
    mutationFn: async (body: RegistrationInput) =>
      unwrap(await api.POST('/api/v1/deals/{deal_id}/contract/registration', { ...path(id), body })),
    onSuccess: invalidate,
  });
}

/** Correct a registered contract's registration; the parties confirm it again. */
export function useAmendRegistration(id: number) {
  const invalidate = useInvalidateDeals();
  return useMutation({
    mutationFn: async (body: RegistrationInput) =>
      unwrap(await api.PUT('/api/v1/deals/{deal_id}/contract/registration', { ...path(id), body })),
    onSuccess: invalidate,
  });
}

export function useRecordPayment(id: number) {
  const invalidate = useInvalidateDeals();
  return useMutation({
    mutationFn: async (body: PaymentInput) => unwrap(await api.POST('/api/v1/deals/{deal_id}/payments', { ...path(id), body })),
    onSuccess: invalidate,
  });
}

/** Correct a payment the parties have not confirmed: they are asked to confirm it again. */
export function useCorrectPayment(id: number) {
  const invalidate = useInvalidateDeals();
  return useMutation({
    mutationFn: async ({ paymentId, body }: { paymentId: number; body: PaymentCorrection }) =>
      unwrap(await api.PATCH('/api/v1/deals/{deal_id}/payments/{payment_id}', { params: { path: { deal_id: id, payment_id: paymentId } }, body })),
    onSuccess: invalidate,
  });
}

/** Void a payment the parties have not confirmed, with the reason. */
export function useVoidPayment(id: number) {
  const invalidate = useInvalidateDeals();
  return useMutation({
    mutationFn: async ({ paymentId, reason }: { paymentId: number; reason: string }) =>
      unwrap(await api.POST('/api/v1/deals/{deal_id}/payments/{payment_id}/void', { params: { path: { deal_id: id, payment_id: paymentId } }, body: { reason } })),
    onSuccess: invalidate,
  });
}

export function useUploadContractFile(id: number) {
  const invalidate = useInvalidateDeals();
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('file', file);
      return postForm<ContractFile>(`/api/v1/deals/${id}/files`, form);
    },
    onSuccess: invalidate,
  });
}

export function useAddNote(id: number) {
  const invalidate = useInvalidateDeals();
  return useMutation({
    mutationFn: async (body: { text: string; visible_to_parties: boolean }) =>
      unwrap(await api.POST('/api/v1/deals/{deal_id}/notes', { ...path(id), body })),
    onSuccess: invalidate,
  });
}

/** Shares are percentages by broker id, summing to 100. */
export type Shares = Record<string, string>;

export function useInviteBroker(id: number) {
  const invalidate = useInvalidateDeals();
  return useMutation({
    mutationFn: async (body: { broker_id: number; shares: Shares }) =>
      unwrap(await api.POST('/api/v1/deals/{deal_id}/brokers', { ...path(id), body })),
    onSuccess: invalidate,
  });
}

export function useProposeShares(id: number) {
  const invalidate = useInvalidateDeals();
  return useMutation({
    mutationFn: async (shares: Shares) => unwrap(await api.PUT('/api/v1/deals/{deal_id}/shares', { ...path(id), body: { shares } })),
    onSuccess: invalidate,
  });
}

export type BrokerAnswer = 'accept-invitation' | 'decline-invitation' | 'accept-shares' | 'decline-shares';

export function useBrokerAnswer(id: number) {
  const invalidate = useInvalidateDeals();
  return useMutation({
    mutationFn: async (answer: BrokerAnswer) => {
      switch (answer) {
        case 'accept-invitation':
          return void unwrap(await api.POST('/api/v1/deals/{deal_id}/invitation/accept', path(id)));
        case 'decline-invitation':
          ensureOk(await api.POST('/api/v1/deals/{deal_id}/invitation/decline', path(id)));
          return;
        case 'accept-shares':
          return void unwrap(await api.POST('/api/v1/deals/{deal_id}/shares/accept', path(id)));
        case 'decline-shares':
          return void unwrap(await api.POST('/api/v1/deals/{deal_id}/shares/decline', path(id)));
      }
    },
    onSuccess: invalidate,
  });
}

/** The contract versions and payments awaiting this user's (organisation's) confirmation. */
export function useAwaitingConfirmation(enabled = true) {
  return useQuery({
    queryKey: dealKeys.awaiting(),
    queryFn: async () => unwrap(await api.GET('/api/v1/deals/confirmations')),
    enabled,
  });
}

export interface EvidenceAnswer {
  kind: EvidenceKind;
  /** The payment's id; null for the contract. */
  itemId: number | null;
  version: number;
  confirm: boolean;
  reason?: string;
}

/** A party confirms, or disputes with a reason, the version of an item it was shown. */
export function useAnswerEvidence(id: number) {
  const invalidate = useInvalidateDeals();
  return useMutation({
    mutationFn: async ({ kind, itemId, version, confirm, reason }: EvidenceAnswer) => {
      if (kind === 'contract') {
        return confirm
          ? unwrap(await api.POST('/api/v1/deals/{deal_id}/contract/confirm', { ...path(id), body: { version } }))
          : unwrap(await api.POST('/api/v1/deals/{deal_id}/contract/dispute', { ...path(id), body: { version, reason: reason ?? '' } }));
      }
      const paymentPath = { params: { path: { deal_id: id, payment_id: itemId ?? 0 } } };
      return confirm
        ? unwrap(await api.POST('/api/v1/deals/{deal_id}/payments/{payment_id}/confirm', { ...paymentPath, body: { version } }))
        : unwrap(await api.POST('/api/v1/deals/{deal_id}/payments/{payment_id}/dispute', { ...paymentPath, body: { version, reason: reason ?? '' } }));
    },
    onSuccess: invalidate,
  });
}

// --- the registration office's export (administrators) ------------------------------------

export function useRegistryContracts(status: string[], page: number) {
  return useQuery({
    queryKey: registryKeys.contracts(status, page),
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/registry/contracts', { params: { query: { status: status as ('unchecked' | 'verified' | 'mismatch' | 'cancelled')[], page, page_size: 20 } } })),
    placeholderData: keepPreviousData,
  });
}

export function useRegistryImports() {
  return useQuery({
    queryKey: registryKeys.imports(),
    queryFn: async () => unwrap(await api.GET('/api/v1/registry/imports', { params: { query: { page: 1, page_size: 10 } } })),
  });
}

export function useImportRegistry() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('file', file);
      return postForm<RegistryImportResult>('/api/v1/registry/imports', form);
    },
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: registryKeys.all }), queryClient.invalidateQueries({ queryKey: dealKeys.all })]),
  });
}
