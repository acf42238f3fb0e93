import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { type Credentials, fetchMe, login, logout } from '@/api/auth';
import { api } from '@/api/client';
import { unwrap } from '@/api/problem';
import type { BrokerRegistration, MemberRegistration, OrganisationRegistration, VerificationDecision, VerificationStatus } from '@/api/types';

export const accountKeys = {
  all: ['accounts'] as const,
  me: () => [...accountKeys.all, 'me'] as const,
  brokerSearch: (q: string) => [...accountKeys.all, 'broker-search', q] as const,
};

/** Verified brokers whose name or agency contains `q` (brokers and administrators may ask). */
export function useBrokerSearch(q: string) {
  return useQuery({
    queryKey: accountKeys.brokerSearch(q),
    queryFn: async () => unwrap(await api.GET('/api/v1/brokers/search', { params: { query: { q } } })),
    enabled: q.trim() !== '',
    staleTime: 60_000,
  });
}

/** The signed-in user; enabled only while there are tokens. */
export function useMe(enabled: boolean) {
  return useQuery({
    queryKey: accountKeys.me(),
    queryFn: fetchMe,
    enabled,
    staleTime: 5 * 60_000,
  });
}

/** Log in, then load the user so the caller can route by role. */
export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (credentials: Credentials) => {
      await login(credentials);
      // Joins the fetch that the session's useMe starts as soon as tokens exist.
      return queryClient.query({ queryKey: accountKeys.me(), queryFn: fetchMe, staleTime: 0 });
    },
  });
}

/** Log out and forget every cached answer: the next user must not see them. */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled: () => {
      queryClient.clear();
    },
  });
}

// --- registration ---------------------------------------------------------------------------

type Registration =
  | { kind: 'organisation'; body: OrganisationRegistration }
  | { kind: 'broker'; body: BrokerRegistration }
  | { kind: 'member'; body: MemberRegistration };

/** Register an organisation (with its first user), a broker, or a colleague joining an organisation. */
export function useRegister() {
  return useMutation({
    mutationFn: async (request: Registration) => {
      switch (request.kind) {
        case 'organisation':
          return unwrap(await api.POST('/api/v1/auth/register/organisation', { body: request.body }));
        case 'broker':
          return unwrap(await api.POST('/api/v1/auth/register/broker', { body: request.body }));
        case 'member':
          return unwrap(await api.POST('/api/v1/auth/register/member', { body: request.body }));
      }
    },
  });
}

// --- verification (administrators) ---------------------------------------------------------

export interface VerificationFilters {
  status?: VerificationStatus;
  page?: number;
}

export const verificationKeys = {
  all: ['verification'] as const,
  organisations: (filters: VerificationFilters) => [...verificationKeys.all, 'organisations', filters] as const,
  organisation: (id: number) => [...verificationKeys.all, 'organisation', id] as const,
  brokers: (filters: VerificationFilters) => [...verificationKeys.all, 'brokers', filters] as const,
};

export function useOrganisations(filters: VerificationFilters) {
  return useQuery({
    queryKey: verificationKeys.organisations(filters),
    queryFn: async () => unwrap(await api.GET('/api/v1/organisations', { params: { query: { ...filters, page_size: 50 } } })),
  });
}

export function useOrganisation(id: number | null) {
  return useQuery({
    queryKey: verificationKeys.organisation(id ?? 0),
    queryFn: async () => unwrap(await api.GET('/api/v1/organisations/{org_id}', { params: { path: { org_id: id ?? 0 } } })),
    enabled: id !== null,
  });
}

export function useBrokers(filters: VerificationFilters) {
  return useQuery({
    queryKey: verificationKeys.brokers(filters),
    queryFn: async () => unwrap(await api.GET('/api/v1/brokers', { params: { query: { ...filters, page_size: 50 } } })),
  });
}

export function useVerify() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ target, id, decision }: { target: 'organisation' | 'broker'; id: number; decision: VerificationDecision }) => {
      if (target === 'organisation') {
        return void unwrap(await api.POST('/api/v1/organisations/{org_id}/verification', { params: { path: { org_id: id } }, body: decision }));
      }
      return void unwrap(await api.POST('/api/v1/brokers/{user_id}/verification', { params: { path: { user_id: id } }, body: decision }));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: verificationKeys.all }),
  });
}

/** An organisation's resident ID numbers in full, for an administrator; the server audits
 *  each request (never cached: asking again is another audited look). */
export function useRevealIdentity() {
  return useMutation({
    mutationFn: async (id: number) => unwrap(await api.POST('/api/v1/organisations/{org_id}/identity', { params: { path: { org_id: id } } })),
  });
}
