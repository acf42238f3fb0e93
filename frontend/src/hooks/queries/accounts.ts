import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { type Credentials, fetchMe, login, logout } from '@/api/auth';

export const accountKeys = {
  all: ['accounts'] as const,
  me: () => [...accountKeys.all, 'me'] as const,
};

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
