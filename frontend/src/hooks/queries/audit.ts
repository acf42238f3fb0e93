import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';

import { api } from '@/api/client';
import { unwrap } from '@/api/problem';
import type { AuditQuery } from '@/api/types';

export const auditKeys = {
  all: ['audit'] as const,
  entries: (query: AuditQuery) => [...auditKeys.all, 'entries', query] as const,
};

export function useAuditEntries(query: AuditQuery) {
  return useQuery({
    queryKey: auditKeys.entries(query),
    queryFn: async () => unwrap(await api.GET('/api/v1/audit/entries', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

/** Recompute the hash chain on the server: a deliberate action, so a mutation, not a query. */
export function useVerifyAuditChain() {
  return useMutation({
    mutationFn: async () => unwrap(await api.GET('/api/v1/audit/verify')),
  });
}
