import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/api/client';
import { ensureOk, unwrap } from '@/api/problem';
import type { JoinStatus } from '@/api/types';

export const memberKeys = {
  all: ['members'] as const,
  joinRequests: (orgId: number, status: JoinStatus | undefined) => [...memberKeys.all, orgId, 'join-requests', status ?? 'all'] as const,
  everyJoinRequest: (status: JoinStatus | undefined) => [...memberKeys.all, 'every', 'join-requests', status ?? 'all'] as const,
  invitations: (orgId: number) => [...memberKeys.all, orgId, 'invitations'] as const,
};

/** Requests to join the organisation (its members and administrators see them). */
export function useJoinRequests(orgId: number, status?: JoinStatus) {
  return useQuery({
    queryKey: memberKeys.joinRequests(orgId, status),
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/organisations/{org_id}/join-requests', { params: { path: { org_id: orgId }, query: { status } } })),
  });
}

/** Requests to join any organisation (administrators). */
export function useEveryJoinRequest(status?: JoinStatus) {
  return useQuery({
    queryKey: memberKeys.everyJoinRequest(status),
    queryFn: async () => unwrap(await api.GET('/api/v1/join-requests', { params: { query: { status } } })),
  });
}

/** Approve (the applicant becomes a member) or decline a join request. */
export function useDecideJoinRequest(orgId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, approve, note }: { id: number; approve: boolean; note?: string }) => {
      const params = { params: { path: { org_id: orgId, request_id: id } }, body: { note } };
      return approve
        ? unwrap(await api.POST('/api/v1/organisations/{org_id}/join-requests/{request_id}/approve', params))
        : unwrap(await api.POST('/api/v1/organisations/{org_id}/join-requests/{request_id}/decline', params));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: memberKeys.all }),
  });
}

export function useInvitations(orgId: number) {
  return useQuery({
    queryKey: memberKeys.invitations(orgId),
    queryFn: async () => unwrap(await api.GET('/api/v1/organisations/{org_id}/invitations', { params: { path: { org_id: orgId } } })),
  });
}

/** A one-time invitation code; the answer is the only time the code is shown. */
export function useCreateInvitation(orgId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/organisations/{org_id}/invitations', { params: { path: { org_id: orgId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: memberKeys.invitations(orgId) }),
  });
}

export function useRevokeInvitation(orgId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: number) =>
      ensureOk(await api.DELETE('/api/v1/organisations/{org_id}/invitations/{invitation_id}', { params: { path: { org_id: orgId, invitation_id: id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: memberKeys.invitations(orgId) }),
  });
}
