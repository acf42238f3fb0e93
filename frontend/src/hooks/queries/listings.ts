import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/api/client';
import { postForm } from '@/api/files';
import { unwrap } from '@/api/problem';
import type {
  AchievementInput,
  AchievementQuery,
  AchievementUpdate,
  DemandInput,
  DemandQuery,
  DemandUpdate,
  ImportJob,
} from '@/api/types';

export const fieldKeys = {
  all: ['fields'] as const,
  tree: () => [...fieldKeys.all, 'tree'] as const,
};

export const demandKeys = {
  all: ['demands'] as const,
  list: (query: DemandQuery) => [...demandKeys.all, 'list', query] as const,
  detail: (id: number) => [...demandKeys.all, 'detail', id] as const,
};

export const achievementKeys = {
  all: ['achievements'] as const,
  list: (query: AchievementQuery) => [...achievementKeys.all, 'list', query] as const,
  detail: (id: number) => [...achievementKeys.all, 'detail', id] as const,
};

/** The industry taxonomy (top-level fields and their sub-fields); changes rarely. */
export function useFieldTree() {
  return useQuery({
    queryKey: fieldKeys.tree(),
    queryFn: async () => unwrap(await api.GET('/api/v1/fields')),
    staleTime: 60 * 60_000,
  });
}

// --- demands --------------------------------------------------------------------------------

export function useDemands(query: DemandQuery, enabled = true) {
  return useQuery({
    queryKey: demandKeys.list(query),
    queryFn: async () => unwrap(await api.GET('/api/v1/demands', { params: { query } })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useDemand(id: number, enabled = true) {
  return useQuery({
    queryKey: demandKeys.detail(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/demands/{demand_id}', { params: { path: { demand_id: id } } })),
    enabled,
  });
}

export function useCreateDemand() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: DemandInput) => unwrap(await api.POST('/api/v1/demands', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: demandKeys.all }),
  });
}

export function useUpdateDemand(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: DemandUpdate) =>
      unwrap(await api.PATCH('/api/v1/demands/{demand_id}', { params: { path: { demand_id: id } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: demandKeys.all }),
  });
}

export type DemandAction = 'publish' | 'withdraw' | 'close';

export function useDemandAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, action }: { id: number; action: DemandAction }) => {
      const params = { params: { path: { demand_id: id } } };
      switch (action) {
        case 'publish':
          return unwrap(await api.POST('/api/v1/demands/{demand_id}/publish', params));
        case 'withdraw':
          return unwrap(await api.POST('/api/v1/demands/{demand_id}/withdraw', params));
        case 'close':
          return unwrap(await api.POST('/api/v1/demands/{demand_id}/close', params));
      }
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: demandKeys.all }),
  });
}

// --- achievements ---------------------------------------------------------------------------

export function useAchievements(query: AchievementQuery, enabled = true) {
  return useQuery({
    queryKey: achievementKeys.list(query),
    queryFn: async () => unwrap(await api.GET('/api/v1/achievements', { params: { query } })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useAchievement(id: number, enabled = true) {
  return useQuery({
    queryKey: achievementKeys.detail(id),
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/achievements/{achievement_id}', { params: { path: { achievement_id: id } } })),
    enabled,
  });
}

export function useCreateAchievement() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: AchievementInput) => unwrap(await api.POST('/api/v1/achievements', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: achievementKeys.all }),
  });
}

export function useUpdateAchievement(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: AchievementUpdate) =>
      unwrap(await api.PATCH('/api/v1/achievements/{achievement_id}', { params: { path: { achievement_id: id } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: achievementKeys.all }),
  });
}

export type AchievementAction = 'publish' | 'withdraw';

export function useAchievementAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, action }: { id: number; action: AchievementAction }) => {
      const params = { params: { path: { achievement_id: id } } };
      return action === 'publish'
        ? unwrap(await api.POST('/api/v1/achievements/{achievement_id}/publish', params))
        : unwrap(await api.POST('/api/v1/achievements/{achievement_id}/withdraw', params));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: achievementKeys.all }),
  });
}

export const IMPORT_PATH = '/api/v1/achievements/import';
export const IMPORT_TEMPLATE_PATH = '/api/v1/achievements/import/template';

export const importKeys = {
  all: ['achievement-imports'] as const,
  detail: (id: number) => [...importKeys.all, id] as const,
};

/** Start a bulk import: the server checks the file against its limits at once (413/422) and
 * answers with the job (202); its rows are imported in the background. */
export function useImportAchievements() {
  return useMutation({
    mutationFn: ({ file, publish }: { file: File; publish: boolean }) => {
      const form = new FormData();
      form.append('file', file);
      form.append('publish', String(publish));
      return postForm<ImportJob>(IMPORT_PATH, form);
    },
  });
}

const IMPORT_POLL_MS = 1000;

/** A bulk import's progress and result, asked again every second until it has finished; the
 * achievements lists are refreshed once it has. */
export function useImportJob(id: number | null) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: importKeys.detail(id ?? 0),
    queryFn: async () => {
      const job = unwrap(await api.GET('/api/v1/achievements/imports/{import_id}', { params: { path: { import_id: id ?? 0 } } }));
      if (job.status === 'succeeded') void queryClient.invalidateQueries({ queryKey: achievementKeys.all });
      return job;
    },
    enabled: id !== null,
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === 'succeeded' || status === 'failed' ? false : IMPORT_POLL_MS;
    },
  });
}
