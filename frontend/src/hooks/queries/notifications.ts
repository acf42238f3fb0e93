import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/api/client';
import { unwrap } from '@/api/problem';

export const notificationKeys = {
  all: ['notifications'] as const,
  list: () => [...notificationKeys.all, 'list'] as const,
  pending: () => [...notificationKeys.all, 'pending'] as const,
};

/** How often the bell asks for news (and again whenever the window regains focus). */
export const NOTIFICATION_POLL_MS = 60_000;

/** The newest notifications, unread first, with the unread count; polled while signed in. */
export function useNotifications(enabled: boolean) {
  return useQuery({
    queryKey: notificationKeys.list(),
    queryFn: async () => unwrap(await api.GET('/api/v1/notifications', { params: { query: { page_size: 20 } } })),
    enabled,
    refetchInterval: NOTIFICATION_POLL_MS,
    refetchOnWindowFocus: true,
    staleTime: 0,
  });
}

/** What waits on the user (introductions, invitations, share re-splits): the workspace's badges. */
export function usePending(enabled = true) {
  return useQuery({
    queryKey: notificationKeys.pending(),
    queryFn: async () => unwrap(await api.GET('/api/v1/deals/pending')),
    enabled,
    refetchInterval: NOTIFICATION_POLL_MS,
    refetchOnWindowFocus: true,
  });
}

export function useMarkNotificationRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: number) => unwrap(await api.POST('/api/v1/notifications/{notification_id}/read', { params: { path: { notification_id: id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

export function useMarkAllNotificationsRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/notifications/read-all')),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}
