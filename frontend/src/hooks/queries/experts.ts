import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/api/client';
import { postForm } from '@/api/files';
import { ensureOk, unwrap } from '@/api/problem';
import type {
  DossierCategory,
  ExpertInvitationInput,
  ExpertKind,
  ExpertProfileInput,
  ExpertRegistrationInput,
  PocDecision,
  PocFile,
  PocRequestInput,
  PocStatus,
  ReviewInput,
} from '@/api/types';

export const expertKeys = {
  all: ['experts'] as const,
  pool: (status: string | undefined, kind: ExpertKind | undefined) => [...expertKeys.all, 'pool', status, kind] as const,
  invitations: () => [...expertKeys.all, 'invitations'] as const,
  requests: (status: PocStatus | undefined) => [...expertKeys.all, 'poc', status] as const,
  request: (id: number) => [...expertKeys.all, 'poc', 'one', id] as const,
  report: (id: number) => [...expertKeys.all, 'poc', 'report', id] as const,
  stats: () => [...expertKeys.all, 'poc', 'stats'] as const,
  seats: () => [...expertKeys.all, 'seats'] as const,
  seat: (id: number) => [...expertKeys.all, 'seat', id] as const,
};

function useInvalidateExperts() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: expertKeys.all });
}

// --- the pool ---------------------------------------------------------------------------------

export function useExperts(status?: 'pending' | 'verified' | 'rejected', kind?: ExpertKind) {
  return useQuery({
    queryKey: expertKeys.pool(status, kind),
    queryFn: async () => unwrap(await api.GET('/api/v1/experts', { params: { query: { status, kind, page_size: 200 } } })),
  });
}

export function useVerifyExpert() {
  const invalidate = useInvalidateExperts();
  return useMutation({
    mutationFn: async ({ id, approve }: { id: number; approve: boolean }) =>
      unwrap(await api.POST('/api/v1/experts/{user_id}/verification', { params: { path: { user_id: id } }, body: { approve } })),
    onSuccess: invalidate,
  });
}

export function useExpertInvitations() {
  return useQuery({ queryKey: expertKeys.invitations(), queryFn: async () => unwrap(await api.GET('/api/v1/expert-invitations')) });
}

export function useInviteExpert() {
  const invalidate = useInvalidateExperts();
  return useMutation({
    mutationFn: async (body: ExpertInvitationInput) => unwrap(await api.POST('/api/v1/expert-invitations', { body })),
    onSuccess: invalidate,
  });
}

export function useMyExpertProfile() {
  return useQuery({ queryKey: [...expertKeys.all, 'me'], queryFn: async () => unwrap(await api.GET('/api/v1/experts/me')) });
}

// --- proof-of-concept requests ----------------------------------------------------------------

export function usePocRequests(status?: PocStatus) {
  return useQuery({
    queryKey: expertKeys.requests(status),
    queryFn: async () => unwrap(await api.GET('/api/v1/poc-requests', { params: { query: { status } } })),
  });
}

export function usePocStats(enabled = true) {
  return useQuery({ queryKey: expertKeys.stats(), enabled, queryFn: async () => unwrap(await api.GET('/api/v1/poc-requests/stats')) });
}

export function useRequestPoc() {
  const invalidate = useInvalidateExperts();
  return useMutation({
    mutationFn: async (body: PocRequestInput) => unwrap(await api.POST('/api/v1/poc-requests', { body })),
    onSuccess: invalidate,
  });
}

const requestPath = (id: number) => ({ params: { path: { request_id: id } } });

export type PocAction = 'accept' | 'confirm';

export function usePocAction() {
  const invalidate = useInvalidateExperts();
  return useMutation({
    mutationFn: async ({ id, action, mix }: { id: number; action: PocAction; mix?: ExpertKind[] }) =>
      action === 'accept'
        ? unwrap(await api.POST('/api/v1/poc-requests/{request_id}/accept', { ...requestPath(id), body: mix === undefined ? {} : { mix } }))
        : unwrap(await api.POST('/api/v1/poc-requests/{request_id}/confirm', requestPath(id))),
    onSuccess: invalidate,
  });
}

export function useDeclinePoc() {
  const invalidate = useInvalidateExperts();
  return useMutation({
    mutationFn: async ({ id, note }: { id: number; note: string }) =>
      unwrap(await api.POST('/api/v1/poc-requests/{request_id}/decline', { ...requestPath(id), body: { note } })),
    onSuccess: invalidate,
  });
}

export function useDecidePoc() {
  const invalidate = useInvalidateExperts();
  return useMutation({
    mutationFn: async ({ id, body }: { id: number; body: PocDecision }) =>
      unwrap(await api.POST('/api/v1/poc-requests/{request_id}/decide', { ...requestPath(id), body })),
    onSuccess: invalidate,
  });
}

export function usePocReport(id: number | null) {
  return useQuery({
    queryKey: expertKeys.report(id ?? 0),
    enabled: id !== null,
    queryFn: async () => unwrap(await api.GET('/api/v1/poc-requests/{request_id}/report', requestPath(id ?? 0))),
  });
}

// --- review assignments -----------------------------------------------------------------------

export function useMyAssignments() {
  return useQuery({ queryKey: expertKeys.seats(), queryFn: async () => unwrap(await api.GET('/api/v1/review-assignments')) });
}

const seatPath = (id: number) => ({ params: { path: { assignment_id: id } } });

export function useAssignment(id: number) {
  return useQuery({ queryKey: expertKeys.seat(id), queryFn: async () => unwrap(await api.GET('/api/v1/review-assignments/{assignment_id}', seatPath(id))) });
}

export function useAnswerAssignment() {
  const invalidate = useInvalidateExperts();
  return useMutation({
    mutationFn: async ({ id, accept }: { id: number; accept: boolean }) =>
      accept
        ? unwrap(await api.POST('/api/v1/review-assignments/{assignment_id}/accept', seatPath(id)))
        : unwrap(await api.POST('/api/v1/review-assignments/{assignment_id}/decline', seatPath(id))),
    onSuccess: invalidate,
  });
}

export function useSubmitReview() {
  const invalidate = useInvalidateExperts();
  return useMutation({
    mutationFn: async ({ id, body }: { id: number; body: ReviewInput }) =>
      unwrap(await api.PUT('/api/v1/review-assignments/{assignment_id}/review', { ...seatPath(id), body })),
    onSuccess: invalidate,
  });
}


export function usePocCandidates(id: number) {
  return useQuery({
    queryKey: [...expertKeys.request(id), 'candidates'],
    queryFn: async () => unwrap(await api.GET('/api/v1/poc-requests/{request_id}/candidates', requestPath(id))),
  });
}

export function useSwapSeat() {
  const invalidate = useInvalidateExperts();
  return useMutation({
    mutationFn: async ({ id, assignmentId, expertId }: { id: number; assignmentId: number; expertId: number }) =>
      unwrap(await api.POST('/api/v1/poc-requests/{request_id}/swap', { ...requestPath(id), body: { assignment_id: assignmentId, expert_id: expertId } })),
    onSuccess: invalidate,
  });
}

// --- a request's dossier ----------------------------------------------------------------------

const pocFileKeys = (requestId: number) => [...expertKeys.all, 'poc', 'files', requestId] as const;

export function usePocFiles(requestId: number, enabled = true) {
  return useQuery({
    queryKey: pocFileKeys(requestId),
    queryFn: async () => unwrap(await api.GET('/api/v1/poc-requests/{request_id}/files', { params: { path: { request_id: requestId } } })),
    enabled,
  });
}

export function useAttachPocFile(requestId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ file, category }: { file: File; category: DossierCategory }) => {
      const form = new FormData();
      form.append('category', category);
      form.append('file', file);
      return postForm<PocFile>(`/api/v1/poc-requests/${requestId}/files`, form);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: pocFileKeys(requestId) }),
  });
}

export function useRemovePocFile(requestId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (fileId: number) =>
      ensureOk(await api.DELETE('/api/v1/poc-requests/{request_id}/files/{file_id}', { params: { path: { request_id: requestId, file_id: fileId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: pocFileKeys(requestId) }),
  });
}

// --- conflicts an administrator records --------------------------------------------------------

const manualConflictKeys = (expertId: number) => [...expertKeys.all, 'manual-conflicts', expertId] as const;

export function useManualConflicts(expertId: number) {
  return useQuery({
    queryKey: manualConflictKeys(expertId),
    queryFn: async () => unwrap(await api.GET('/api/v1/experts/{user_id}/manual-conflicts', { params: { path: { user_id: expertId } } })),
  });
}

export function useAddConflict(expertId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: { organisation_id: number; reason: string }) =>
      unwrap(await api.POST('/api/v1/experts/{user_id}/conflicts', { params: { path: { user_id: expertId } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: expertKeys.all }),
  });
}

export function useRemoveConflict(expertId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (conflictId: number) =>
      ensureOk(await api.DELETE('/api/v1/experts/{user_id}/conflicts/{conflict_id}', { params: { path: { user_id: expertId, conflict_id: conflictId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: expertKeys.all }),
  });
}

export function useUpdateMyExpertProfile() {
  const invalidate = useInvalidateExperts();
  return useMutation({
    mutationFn: async (body: ExpertProfileInput) => unwrap(await api.PUT('/api/v1/experts/me', { body })),
    onSuccess: invalidate,
  });
}

/** Register as an expert (no login): with an invitation code in the pool at once, without one
 *  an application administrators verify. */
export function useRegisterExpert() {
  return useMutation({
    mutationFn: async (body: ExpertRegistrationInput) => unwrap(await api.POST('/api/v1/experts/register', { body })),
  });
}
