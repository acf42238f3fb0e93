import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/api/client';
import { postForm } from '@/api/files';
import { ensureOk, unwrap } from '@/api/problem';
import type {
  DirectoryProfile,
  DirectoryQuery,
  DossierInput,
  DraftContent,
  DraftStatus,
  GradeRuleInput,
  HelpRequestInput,
  HelpStatus,
  IntakeFile,
  TrainingInput,
  VisitInput,
} from '@/api/types';

// --- help requests, visits, drafts ------------------------------------------------------------

export interface HelpFilters {
  status?: HelpStatus[];
  escalated?: boolean;
  page?: number;
  page_size?: number;
}

export const intakeKeys = {
  all: ['intake'] as const,
  helpList: (filters: HelpFilters) => [...intakeKeys.all, 'help', 'list', filters] as const,
  help: (id: number) => [...intakeKeys.all, 'help', id] as const,
  visits: (id: number) => [...intakeKeys.all, 'help', id, 'visits'] as const,
  requestDrafts: (id: number) => [...intakeKeys.all, 'help', id, 'drafts'] as const,
  candidates: (id: number) => [...intakeKeys.all, 'help', id, 'candidates'] as const,
  drafts: (status: DraftStatus[], page: number) => [...intakeKeys.all, 'drafts', status, page] as const,
  draft: (id: number) => [...intakeKeys.all, 'draft', id] as const,
};

function useInvalidateIntake() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: intakeKeys.all });
}

export function useHelpRequests(filters: HelpFilters = {}) {
  return useQuery({
    queryKey: intakeKeys.helpList(filters),
    queryFn: async () => unwrap(await api.GET('/api/v1/help-requests', { params: { query: filters } })),
    placeholderData: keepPreviousData,
  });
}

const helpPath = (id: number) => ({ params: { path: { request_id: id } } });

export function useHelpRequest(id: number) {
  return useQuery({
    queryKey: intakeKeys.help(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/help-requests/{request_id}', helpPath(id))),
  });
}

export function useAskForHelp() {
  const invalidate = useInvalidateIntake();
  return useMutation({
    mutationFn: async (body: HelpRequestInput) => unwrap(await api.POST('/api/v1/help-requests', { body })),
    onSuccess: invalidate,
  });
}

export type HelpAction = 'accept' | 'decline' | 'cancel' | 'close';

export function useHelpAction() {
  const invalidate = useInvalidateIntake();
  return useMutation({
    mutationFn: async ({ id, action }: { id: number; action: HelpAction }) => {
      switch (action) {
        case 'accept':
          return unwrap(await api.POST('/api/v1/help-requests/{request_id}/accept', helpPath(id)));
        case 'decline':
          ensureOk(await api.POST('/api/v1/help-requests/{request_id}/decline', helpPath(id)));
          return null;
        case 'cancel':
          return unwrap(await api.POST('/api/v1/help-requests/{request_id}/cancel', helpPath(id)));
        case 'close':
          return unwrap(await api.POST('/api/v1/help-requests/{request_id}/close', helpPath(id)));
      }
    },
    onSuccess: invalidate,
  });
}

export function useHelpCandidates(id: number, enabled = true) {
  return useQuery({
    queryKey: intakeKeys.candidates(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/help-requests/{request_id}/candidates', helpPath(id))),
    enabled,
  });
}

export function useAssignHelp() {
  const invalidate = useInvalidateIntake();
  return useMutation({
    mutationFn: async ({ id, brokerId }: { id: number; brokerId: number }) =>
      unwrap(await api.POST('/api/v1/help-requests/{request_id}/assign', { ...helpPath(id), body: { broker_id: brokerId } })),
    onSuccess: invalidate,
  });
}

export function useVisits(id: number, enabled = true) {
  return useQuery({
    queryKey: intakeKeys.visits(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/help-requests/{request_id}/visits', helpPath(id))),
    enabled,
  });
}

export function useRecordVisit(id: number) {
  const invalidate = useInvalidateIntake();
  return useMutation({
    mutationFn: async (body: VisitInput) => unwrap(await api.POST('/api/v1/help-requests/{request_id}/visits', { ...helpPath(id), body })),
    onSuccess: invalidate,
  });
}

export function useAttachVisitFile(requestId: number) {
  const invalidate = useInvalidateIntake();
  return useMutation({
    mutationFn: ({ visitId, file }: { visitId: number; file: File }) => {
      const form = new FormData();
      form.append('file', file);
      return postForm<IntakeFile>(`/api/v1/help-requests/${requestId}/visits/${visitId}/files`, form);
    },
    onSuccess: invalidate,
  });
}

export function useRequestDrafts(id: number, enabled = true) {
  return useQuery({
    queryKey: intakeKeys.requestDrafts(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/help-requests/{request_id}/drafts', helpPath(id))),
    enabled,
  });
}

export function useCreateDraft(requestId: number) {
  const invalidate = useInvalidateIntake();
  return useMutation({
    mutationFn: async (demand: DraftContent) =>
      unwrap(await api.POST('/api/v1/help-requests/{request_id}/drafts', { ...helpPath(requestId), body: { demand } })),
    onSuccess: invalidate,
  });
}

export function useDrafts(status: DraftStatus[] = [], page = 1) {
  return useQuery({
    queryKey: intakeKeys.drafts(status, page),
    queryFn: async () => unwrap(await api.GET('/api/v1/demand-drafts', { params: { query: { status, page, page_size: 20 } } })),
    placeholderData: keepPreviousData,
  });
}

const draftPath = (id: number) => ({ params: { path: { draft_id: id } } });

export function useDraft(id: number) {
  return useQuery({
    queryKey: intakeKeys.draft(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/demand-drafts/{draft_id}', draftPath(id))),
  });
}

export function useUpdateDraft(id: number) {
  const invalidate = useInvalidateIntake();
  return useMutation({
    mutationFn: async (demand: Partial<DraftContent>) => unwrap(await api.PATCH('/api/v1/demand-drafts/{draft_id}', { ...draftPath(id), body: { demand } })),
    onSuccess: invalidate,
  });
}

export type DraftAction = 'submit' | 'discard' | 'approve' | 'return';

export function useDraftAction(id: number) {
  const invalidate = useInvalidateIntake();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ action, note }: { action: DraftAction; note?: string }) => {
      switch (action) {
        case 'submit':
          return unwrap(await api.POST('/api/v1/demand-drafts/{draft_id}/submit', draftPath(id)));
        case 'discard':
          return unwrap(await api.POST('/api/v1/demand-drafts/{draft_id}/discard', draftPath(id)));
        case 'return':
          return unwrap(await api.POST('/api/v1/demand-drafts/{draft_id}/return', { ...draftPath(id), body: { note: note ?? '' } }));
        case 'approve':
          return unwrap(await api.POST('/api/v1/demand-drafts/{draft_id}/approve', draftPath(id)));
      }
    },
    onSuccess: async () => {
      await invalidate();
      // an approved draft is a new demand of the firm
      await queryClient.invalidateQueries({ queryKey: ['demands'] });
    },
  });
}

// --- dossiers and terms -------------------------------------------------------------------------

export const dossierKeys = {
  all: ['dossiers'] as const,
  mine: () => [...dossierKeys.all, 'mine'] as const,
  status: (demandId: number) => [...dossierKeys.all, 'status', demandId] as const,
  financingStatus: (requestId: number) => [...dossierKeys.all, 'financing-status', requestId] as const,
  challengeStatus: (challengeId: number) => [...dossierKeys.all, 'challenge-status', challengeId] as const,
  content: (id: number) => [...dossierKeys.all, 'content', id] as const,
  access: (id: number) => [...dossierKeys.all, 'access', id] as const,
  views: (id: number) => [...dossierKeys.all, 'views', id] as const,
  terms: (id: number) => [...dossierKeys.all, 'terms', id] as const,
  ownTerms: () => [...dossierKeys.all, 'own-terms'] as const,
};

function useInvalidateDossiers() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: dossierKeys.all });
}

const dossierPath = (id: number) => ({ params: { path: { dossier_id: id } } });

export function useOwnDossiers() {
  return useQuery({ queryKey: dossierKeys.mine(), queryFn: async () => unwrap(await api.GET('/api/v1/dossiers')) });
}

/** Whether a demand has a dossier and what the caller may do (404 when it has none). */
export function useDossierStatus(demandId: number, enabled = true) {
  return useQuery({
    queryKey: dossierKeys.status(demandId),
    queryFn: async () => unwrap(await api.GET('/api/v1/demands/{demand_id}/dossier', { params: { path: { demand_id: demandId } } })),
    enabled,
    retry: false,
  });
}

/** Whether a financing request has a dossier and what the caller may do (404 when it has none,
 *  or when the caller may not see it: a withdrawn request's is closed to investors). */
export function useFinancingDossierStatus(requestId: number, enabled = true) {
  return useQuery({
    queryKey: dossierKeys.financingStatus(requestId),
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/financing-requests/{request_id}/dossier', { params: { path: { request_id: requestId } } })),
    enabled,
    retry: false,
  });
}

export function usePutFinancingDossier(requestId: number) {
  const queryClient = useQueryClient();
  const invalidate = useInvalidateDossiers();
  return useMutation({
    mutationFn: async (body: DossierInput) =>
      unwrap(await api.PUT('/api/v1/financing-requests/{request_id}/dossier', { params: { path: { request_id: requestId } }, body })),
    onSuccess: async () => {
      await invalidate();
      // The request's `has_dossier` (the capital chain's queries).
      await queryClient.invalidateQueries({ queryKey: ['capital'] });
    },
  });
}

/** Whether a challenge has a dossier and what the caller may do (404 when it has none, or when
 *  the caller may not know of it: a draft's, a solver's not eligible, a loser's once decided). */
export function useChallengeDossierStatus(challengeId: number, enabled = true) {
  return useQuery({
    queryKey: dossierKeys.challengeStatus(challengeId),
    queryFn: async () => unwrap(await api.GET('/api/v1/challenges/{challenge_id}/dossier', { params: { path: { challenge_id: challengeId } } })),
    enabled,
    retry: false,
  });
}

export function usePutChallengeDossier(challengeId: number) {
  const queryClient = useQueryClient();
  const invalidate = useInvalidateDossiers();
  return useMutation({
    mutationFn: async (body: DossierInput) =>
      unwrap(await api.PUT('/api/v1/challenges/{challenge_id}/dossier', { params: { path: { challenge_id: challengeId } }, body })),
    onSuccess: async () => {
      await invalidate();
      // The challenge's `has_dossier` (the challenges' queries).
      await queryClient.invalidateQueries({ queryKey: ['challenges'] });
    },
  });
}

export function useDossier(id: number | null, enabled = true) {
  return useQuery({
    queryKey: dossierKeys.content(id ?? 0),
    queryFn: async () => unwrap(await api.GET('/api/v1/dossiers/{dossier_id}', dossierPath(id ?? 0))),
    enabled: enabled && id !== null,
    retry: false,
  });
}

export function usePutDemandDossier(demandId: number) {
  const invalidate = useInvalidateDossiers();
  return useMutation({
    mutationFn: async (body: DossierInput) => unwrap(await api.PUT('/api/v1/demands/{demand_id}/dossier', { params: { path: { demand_id: demandId } }, body })),
    onSuccess: invalidate,
  });
}

export function usePutDraftDossier(draftId: number) {
  const invalidateDossiers = useInvalidateDossiers();
  const invalidateIntake = useInvalidateIntake();
  return useMutation({
    mutationFn: async (body: DossierInput) => unwrap(await api.PUT('/api/v1/demand-drafts/{draft_id}/dossier', { ...draftPath(draftId), body })),
    onSuccess: async () => {
      await invalidateDossiers();
      await invalidateIntake();
    },
  });
}

export function useAttachDossierFile(dossierId: number) {
  const invalidate = useInvalidateDossiers();
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('file', file);
      return postForm<IntakeFile>(`/api/v1/dossiers/${dossierId}/files`, form);
    },
    onSuccess: invalidate,
  });
}

export function useDossierTerms(id: number, enabled = true) {
  return useQuery({
    queryKey: dossierKeys.terms(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/dossiers/{dossier_id}/terms', dossierPath(id))),
    enabled,
  });
}

export function useAcceptTerms(id: number) {
  const invalidate = useInvalidateDossiers();
  return useMutation({
    mutationFn: async (version: number) => unwrap(await api.POST('/api/v1/dossiers/{dossier_id}/terms/accept', { ...dossierPath(id), body: { version } })),
    onSuccess: invalidate,
  });
}

export function useRequestDossierAccess(id: number) {
  const invalidate = useInvalidateDossiers();
  return useMutation({
    mutationFn: async (message: string) => unwrap(await api.POST('/api/v1/dossiers/{dossier_id}/access-requests', { ...dossierPath(id), body: { message } })),
    onSuccess: invalidate,
  });
}

export function useDossierAccess(id: number) {
  return useQuery({ queryKey: dossierKeys.access(id), queryFn: async () => unwrap(await api.GET('/api/v1/dossiers/{dossier_id}/access', dossierPath(id))) });
}

export function useDossierViews(id: number) {
  return useQuery({ queryKey: dossierKeys.views(id), queryFn: async () => unwrap(await api.GET('/api/v1/dossiers/{dossier_id}/views', dossierPath(id))) });
}

export type AccessDecision = 'grant' | 'decline' | 'revoke';

export function useDecideAccess(id: number) {
  const invalidate = useInvalidateDossiers();
  return useMutation({
    mutationFn: async ({ userId, decision }: { userId: number; decision: AccessDecision }) => {
      const params = { params: { path: { dossier_id: id, user_id: userId } } };
      switch (decision) {
        case 'grant':
          return unwrap(await api.POST('/api/v1/dossiers/{dossier_id}/access/{user_id}/grant', params));
        case 'decline':
          return unwrap(await api.POST('/api/v1/dossiers/{dossier_id}/access/{user_id}/decline', params));
        case 'revoke':
          return unwrap(await api.POST('/api/v1/dossiers/{dossier_id}/access/{user_id}/revoke', params));
      }
    },
    onSuccess: invalidate,
  });
}

export function useOwnTerms() {
  return useQuery({ queryKey: dossierKeys.ownTerms(), queryFn: async () => unwrap(await api.GET('/api/v1/nda-terms')) });
}

export function usePublishTerms() {
  const invalidate = useInvalidateDossiers();
  return useMutation({
    mutationFn: async (text: string) => unwrap(await api.POST('/api/v1/nda-terms', { body: { text } })),
    onSuccess: invalidate,
  });
}

// --- the directory, training, grades ----------------------------------------------------------

export const brokerKeys = {
  all: ['broker-directory'] as const,
  list: (query: DirectoryQuery) => [...brokerKeys.all, 'list', query] as const,
  detail: (id: number) => [...brokerKeys.all, 'detail', id] as const,
  me: () => [...brokerKeys.all, 'me'] as const,
  training: (id: number) => ['training', id] as const,
  rules: () => ['grade-rules'] as const,
  proposals: (status: string | undefined) => ['grade-proposals', status] as const,
};

export function useDirectory(query: DirectoryQuery = {}) {
  return useQuery({
    queryKey: brokerKeys.list(query),
    queryFn: async () => unwrap(await api.GET('/api/v1/broker-directory', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useDirectoryEntry(id: number) {
  return useQuery({
    queryKey: brokerKeys.detail(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/broker-directory/{broker_id}', { params: { path: { broker_id: id } } })),
  });
}

export function useMyDirectoryProfile() {
  return useQuery({ queryKey: brokerKeys.me(), queryFn: async () => unwrap(await api.GET('/api/v1/broker-directory/me')) });
}

export function useUpdateDirectoryProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: DirectoryProfile) => unwrap(await api.PUT('/api/v1/broker-directory/me', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: brokerKeys.all }),
  });
}

export function useTraining(brokerId: number | null) {
  return useQuery({
    queryKey: brokerKeys.training(brokerId ?? 0),
    queryFn: async () => unwrap(await api.GET('/api/v1/brokers/{broker_id}/training', { params: { path: { broker_id: brokerId ?? 0 } } })),
    enabled: brokerId !== null,
  });
}

export function useRecordTraining(brokerId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: TrainingInput) => unwrap(await api.POST('/api/v1/brokers/{broker_id}/training', { params: { path: { broker_id: brokerId } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: brokerKeys.training(brokerId) }),
  });
}

export function useGradeRules() {
  return useQuery({ queryKey: brokerKeys.rules(), queryFn: async () => unwrap(await api.GET('/api/v1/grade-rules')) });
}

export function usePutGradeRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ level, body }: { level: 'intermediate' | 'senior'; body: GradeRuleInput }) =>
      unwrap(await api.PUT('/api/v1/grade-rules/{level}', { params: { path: { level } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: brokerKeys.rules() }),
  });
}

export function useGradeProposals(status?: 'pending' | 'confirmed' | 'rejected' | 'withdrawn') {
  return useQuery({
    queryKey: brokerKeys.proposals(status),
    queryFn: async () => unwrap(await api.GET('/api/v1/grade-proposals', { params: { query: { status } } })),
  });
}

export function useProposalDecision() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, confirm, note }: { id: number; confirm: boolean; note: string }) => {
      const params = { params: { path: { proposal_id: id } }, body: { note } };
      return confirm
        ? unwrap(await api.POST('/api/v1/grade-proposals/{proposal_id}/confirm', params))
        : unwrap(await api.POST('/api/v1/grade-proposals/{proposal_id}/reject', params));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['grade-proposals'] }),
  });
}

export function useEvaluateGrades() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/grade-proposals/evaluate')),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['grade-proposals'] }),
  });
}
