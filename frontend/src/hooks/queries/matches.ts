import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/api/client';
import { unwrap } from '@/api/problem';
import type { AchievementMatchQuery, DemandMatchQuery, ListingKind, MatchFeedbackInput, MatchFeedQuery, MatchPreviewInput } from '@/api/types';

export const matchKeys = {
  all: ['matches'] as const,
  demand: (id: number, query: DemandMatchQuery) => [...matchKeys.all, 'demand', id, query] as const,
  achievement: (id: number, query: AchievementMatchQuery) => [...matchKeys.all, 'achievement', id, query] as const,
  feed: (query: MatchFeedQuery) => [...matchKeys.all, 'feed', query] as const,
  feedback: (kind: ListingKind, id: number) => [...matchKeys.all, 'feedback', kind, id] as const,
  preview: (draft: MatchPreviewInput) => [...matchKeys.all, 'preview', draft] as const,
};

/** Achievements that could meet one of the caller's (or a visible) demand, best first, with reasons. */
export function useDemandMatches(id: number | null, query: DemandMatchQuery = {}) {
  return useQuery({
    queryKey: matchKeys.demand(id ?? 0, query),
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/demands/{demand_id}/matches', { params: { path: { demand_id: id ?? 0 }, query } })),
    enabled: id !== null,
  });
}

/** Demands an achievement could meet. */
export function useAchievementMatches(id: number | null, query: AchievementMatchQuery = {}) {
  return useQuery({
    queryKey: matchKeys.achievement(id ?? 0, query),
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/achievements/{achievement_id}/matches', { params: { path: { achievement_id: id ?? 0 }, query } })),
    enabled: id !== null,
  });
}

/**
 * What would match a draft as it is being written (nothing is stored): its best matches, its
 * likely fields, keywords to add and whether it is too vague. `null` asks nothing. The last
 * answer stays on screen while the next one loads, so the panel does not flicker as one types.
 */
export function useDraftPreview(draft: MatchPreviewInput | null) {
  return useQuery({
    queryKey: matchKeys.preview(draft ?? { text: '' }),
    queryFn: async () => unwrap(await api.POST('/api/v1/matches/preview', { body: draft ?? { text: '' } })),
    enabled: draft !== null,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    retry: false,
  });
}

/** A broker's best new pairs in their fields. */
/** A broker's feed, a page at a time, narrowed by period, field, words and region. */
export function useMatchFeed(query: MatchFeedQuery) {
  return useQuery({
    queryKey: matchKeys.feed(query),
    queryFn: async () => unwrap(await api.GET('/api/v1/matches/feed', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useMyMatchFeedback(kind: ListingKind, id: number | null) {
  return useQuery({
    queryKey: matchKeys.feedback(kind, id ?? 0),
    queryFn: async () => unwrap(await api.GET('/api/v1/matches/feedback', { params: { query: { source_kind: kind, source_id: id ?? 0 } } })),
    enabled: id !== null,
  });
}

export function useGiveMatchFeedback() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: MatchFeedbackInput) => unwrap(await api.PUT('/api/v1/matches/feedback', { body })),
    onSuccess: (feedback) =>
      queryClient.invalidateQueries({ queryKey: matchKeys.feedback(feedback.source_kind, feedback.source_id) }),
  });
}

/** Rebuild the matching indexes in the background (administrators). */
export function useReindex() {
  return useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/matches/reindex', { params: { query: {} } })),
  });
}

export function useIndexStatus(enabled: boolean) {
  return useQuery({
    queryKey: [...matchKeys.all, 'index'] as const,
    queryFn: async () => unwrap(await api.GET('/api/v1/matches/index')),
    enabled,
    refetchInterval: enabled ? 3000 : false,
  });
}
