import type { AuditQuery } from '@/api/types';

export interface AuditFilterValues {
  action?: string;
  object_type?: string;
  object_id?: string;
  actor_id?: number | null;
  since?: string | null;
  until?: string | null;
}

/** Form dates are Beijing calendar days; the API takes instants. */
export function auditQuery(values: AuditFilterValues, page: number): AuditQuery {
  const text = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
  const nextDay = (date: string) => {
    const [y, m, d] = date.split('-').map(Number);
    const next = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + 1));
    return next.toISOString().slice(0, 10);
  };
  return {
    action: text(values.action),
    object_type: text(values.object_type),
    object_id: text(values.object_id),
    actor_id: values.actor_id ?? undefined,
    since: values.since ? `${values.since}T00:00:00+08:00` : undefined,
    until: values.until ? `${nextDay(values.until)}T00:00:00+08:00` : undefined,
    page,
    page_size: 50,
  };
}
