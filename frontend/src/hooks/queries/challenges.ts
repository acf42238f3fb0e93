import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/api/client';
import { postForm } from '@/api/files';
import type { components } from '@/api/schema';
import { ensureOk, unwrap } from '@/api/problem';

type S = components['schemas'];
export type Challenge = S['ChallengeOut'];
export type ChallengeSummary = S['ChallengeSummary'];
export type ChallengeProposal = S['ChallengeProposalOut'];
export type ChallengeMilestone = S['backend__challenges__schemas__MilestoneOut'];
export type ReviewBoard = S['ReviewBoardOut'];
export type ProposalRank = S['ProposalRankOut'];
export type ScoreSheet = S['ScoreSheetIn'];
export type Selection = S['SelectionIn'];
export type ExpertKindCode = S['ExpertKind'];

export const challengeKeys = {
  all: ['challenges'] as const,
  list: (status: string | undefined) => [...challengeKeys.all, 'list', status] as const,
  one: (id: number) => [...challengeKeys.all, 'one', id] as const,
  proposals: (id: number) => [...challengeKeys.all, 'proposals', id] as const,
  board: (id: number) => [...challengeKeys.all, 'board', id] as const,
  milestones: (id: number) => [...challengeKeys.all, 'milestones', id] as const,
  reviewing: () => [...challengeKeys.all, 'reviewing'] as const,
};

function useInvalidate() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: challengeKeys.all });
}

export function useChallenges() {
  return useQuery({
    queryKey: challengeKeys.list(undefined),
    queryFn: async () => unwrap(await api.GET('/api/v1/challenges', { params: { query: { page_size: 100 } } })),
  });
}

export function useChallenge(id: number, enabled = true) {
  return useQuery({
    queryKey: challengeKeys.one(id),
    enabled,
    queryFn: async () => unwrap(await api.GET('/api/v1/challenges/{challenge_id}', { params: { path: { challenge_id: id } } })),
  });
}

export function useChallengeProposals(id: number, enabled: boolean) {
  return useQuery({
    queryKey: challengeKeys.proposals(id),
    enabled,
    queryFn: async () => unwrap(await api.GET('/api/v1/challenges/{challenge_id}/proposals', { params: { path: { challenge_id: id } } })),
  });
}

export function useReviewBoard(id: number, enabled: boolean) {
  return useQuery({
    queryKey: challengeKeys.board(id),
    enabled,
    retry: false,
    queryFn: async () => unwrap(await api.GET('/api/v1/challenges/{challenge_id}/review', { params: { path: { challenge_id: id } } })),
  });
}

export function useMilestones(id: number, enabled: boolean) {
  return useQuery({
    queryKey: challengeKeys.milestones(id),
    enabled,
    retry: false,
    queryFn: async () => unwrap(await api.GET('/api/v1/challenges/{challenge_id}/milestones', { params: { path: { challenge_id: id } } })),
  });
}

export function useReviewing() {
  return useQuery({ queryKey: challengeKeys.reviewing(), queryFn: async () => unwrap(await api.GET('/api/v1/challenges/reviewing')) });
}

export function useAskReview(id: number) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (seats: ExpertKindCode[]) =>
      unwrap(await api.POST('/api/v1/challenges/{challenge_id}/review', { params: { path: { challenge_id: id } }, body: { seats } })),
    onSuccess: invalidate,
  });
}

export function useSubmitScores(id: number) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (body: ScoreSheet) =>
      unwrap(await api.PUT('/api/v1/challenges/{challenge_id}/review/scores', { params: { path: { challenge_id: id } }, body })),
    onSuccess: invalidate,
  });
}

export function useSelectProposals(id: number) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (body: Selection) =>
      unwrap(await api.POST('/api/v1/challenges/{challenge_id}/selection', { params: { path: { challenge_id: id } }, body })),
    onSuccess: invalidate,
  });
}

export function useTransition(id: number) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (body: S['ChallengeTransitionIn']) =>
      unwrap(await api.POST('/api/v1/challenges/{challenge_id}/transitions', { params: { path: { challenge_id: id } }, body })),
    onSuccess: invalidate,
  });
}

export type MilestoneAction =
  | { kind: 'evidence'; text: string }
  | { kind: 'accept' }
  | { kind: 'expertCheck'; verdict: 'pass' | 'fail'; note: string }
  | { kind: 'payment'; paid_on: string; reference: string }
  | { kind: 'receipt'; confirmed: boolean; reason?: string };

export function useMilestoneAction(id: number) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async ({ milestoneId, action }: { milestoneId: number; action: MilestoneAction }) => {
      const path = { challenge_id: id, milestone_id: milestoneId };
      switch (action.kind) {
        case 'evidence':
          return unwrap(await api.POST('/api/v1/challenges/{challenge_id}/milestones/{milestone_id}/evidence', { params: { path }, body: { text: action.text } }));
        case 'accept':
          return unwrap(await api.POST('/api/v1/challenges/{challenge_id}/milestones/{milestone_id}/accept', { params: { path }, body: {} }));
        case 'expertCheck':
          return unwrap(await api.POST('/api/v1/challenges/{challenge_id}/milestones/{milestone_id}/expert-check', { params: { path }, body: { verdict: action.verdict, note: action.note } }));
        case 'payment':
          return unwrap(await api.POST('/api/v1/challenges/{challenge_id}/milestones/{milestone_id}/payment', { params: { path }, body: { paid_on: action.paid_on, reference: action.reference } }));
        case 'receipt':
          return unwrap(
            await api.POST('/api/v1/challenges/{challenge_id}/milestones/{milestone_id}/receipt', { params: { path }, body: { confirmed: action.confirmed, reason: action.reason ?? null } }),
          );
      }
    },
    onSuccess: invalidate,
  });
}

// --- the issuer's editor, the solver's proposal, the bureau's dashboard ------------------------

export type ChallengeInput = S['ChallengeIn'];
export type ProposalInput = S['ChallengeProposalIn'];
export type ChallengeStats = S['ChallengeStatsOut'];
export type ChallengeGroup = S['ChallengeGroupOut'];

/** Save a draft: create (no id) or replace (an id). */
export function useSaveChallenge(id: number | null) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (body: ChallengeInput) =>
      id === null
        ? unwrap(await api.POST('/api/v1/challenges', { body }))
        : unwrap(await api.PUT('/api/v1/challenges/{challenge_id}', { params: { path: { challenge_id: id } }, body })),
    onSuccess: invalidate,
  });
}

/** Publish a saved draft. */
export function usePublishChallenge() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (id: number) =>
      unwrap(await api.POST('/api/v1/challenges/{challenge_id}/transitions', { params: { path: { challenge_id: id } }, body: { to_status: 'published' } })),
    onSuccess: invalidate,
  });
}

/** The chains helper's gap → challenge draft (nothing stored). */
export function useGapChallengeDraft(chainId: number | null, nodeKey: string | null) {
  return useQuery({
    queryKey: ['chains', 'challenge-draft', chainId, nodeKey],
    enabled: chainId !== null && nodeKey !== null,
    retry: false,
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/chains/{chain_id}/gaps/{node_key}/challenge-draft', { params: { path: { chain_id: chainId ?? 0, node_key: nodeKey ?? '' } } })),
  });
}

/** Submit (no id) or edit (an id) the solver's own proposal. */
export function useSaveProposal(challengeId: number, proposalId: number | null) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (body: ProposalInput) =>
      proposalId === null
        ? unwrap(await api.POST('/api/v1/challenges/{challenge_id}/proposals', { params: { path: { challenge_id: challengeId } }, body }))
        : unwrap(await api.PUT('/api/v1/challenges/{challenge_id}/proposals/{proposal_id}', { params: { path: { challenge_id: challengeId, proposal_id: proposalId } }, body })),
    onSuccess: invalidate,
  });
}

export function useChallengeStats() {
  return useQuery({
    queryKey: [...challengeKeys.all, 'statistics'],
    queryFn: async () => unwrap(await api.GET('/api/v1/challenges/statistics')),
  });
}

// --- joint teams' invitations, members by name, proposal and milestone files -------------------

export type ChallengeInvitation = S['backend__challenges__schemas__InvitationOut'];
export type ChallengePartner = S['PartnerOut'];
export type ChallengeFile = S['ChallengeFileOut'];

const invitationKey = [...challengeKeys.all, 'invitations'] as const;

/** The proposals the caller's organisation is named on as a joint team's member. */
export function useInvitations(enabled = true) {
  return useQuery({ queryKey: invitationKey, enabled, queryFn: async () => unwrap(await api.GET('/api/v1/challenges/invitations')) });
}

export function useAnswerMembership() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async ({ challengeId, proposalId, accept }: { challengeId: number; proposalId: number; accept: boolean }) =>
      unwrap(
        await api.POST('/api/v1/challenges/{challenge_id}/proposals/{proposal_id}/membership', {
          params: { path: { challenge_id: challengeId, proposal_id: proposalId } },
          body: { accept },
        }),
      ),
    onSuccess: invalidate,
  });
}

/** One proposal the caller may see (an invited member sees the proposal it is named on). */
export function useChallengeProposal(challengeId: number, proposalId: number, enabled: boolean) {
  return useQuery({
    queryKey: [...challengeKeys.proposals(challengeId), 'one', proposalId],
    enabled,
    retry: false,
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/challenges/{challenge_id}/proposals/{proposal_id}', { params: { path: { challenge_id: challengeId, proposal_id: proposalId } } })),
  });
}

/** Organisations the challenge admits as members, by name (two characters at least). */
export function usePartners(challengeId: number, q: string) {
  const query = q.trim();
  return useQuery({
    queryKey: [...challengeKeys.all, 'partners', challengeId, query],
    enabled: query.length >= 2,
    queryFn: async () => unwrap(await api.GET('/api/v1/challenges/{challenge_id}/partners', { params: { path: { challenge_id: challengeId }, query: { q: query } } })),
  });
}

export type FileOwner = { kind: 'proposal'; id: number } | { kind: 'milestone'; id: number };

/** The API path of a proposal's or a milestone's files. */
export function filesPath(challengeId: number, owner: FileOwner): string {
  return `/api/v1/challenges/${challengeId}/${owner.kind === 'proposal' ? 'proposals' : 'milestones'}/${owner.id}/files`;
}

const fileKeys = (challengeId: number, owner: FileOwner) => [...challengeKeys.all, 'files', challengeId, owner.kind, owner.id] as const;

export function useChallengeFiles(challengeId: number, owner: FileOwner, enabled = true) {
  return useQuery({
    queryKey: fileKeys(challengeId, owner),
    enabled,
    retry: false,
    queryFn: async () =>
      owner.kind === 'proposal'
        ? unwrap(await api.GET('/api/v1/challenges/{challenge_id}/proposals/{proposal_id}/files', { params: { path: { challenge_id: challengeId, proposal_id: owner.id } } }))
        : unwrap(await api.GET('/api/v1/challenges/{challenge_id}/milestones/{milestone_id}/files', { params: { path: { challenge_id: challengeId, milestone_id: owner.id } } })),
  });
}

export function useAttachChallengeFile(challengeId: number, owner: FileOwner) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('file', file);
      return postForm<ChallengeFile>(filesPath(challengeId, owner), form);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: fileKeys(challengeId, owner) }),
  });
}

export function useRemoveProposalFile(challengeId: number, proposalId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (fileId: number) =>
      ensureOk(
        await api.DELETE('/api/v1/challenges/{challenge_id}/proposals/{proposal_id}/files/{file_id}', {
          params: { path: { challenge_id: challengeId, proposal_id: proposalId, file_id: fileId } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: fileKeys(challengeId, { kind: 'proposal', id: proposalId }) }),
  });
}
