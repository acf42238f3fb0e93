import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/api/client';
import type { components } from '@/api/schema';
import { unwrap } from '@/api/problem';

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
