import type { Role } from '@/api/types';

export const ROLE_HOME: Record<Role, string> = {
  firm: '/firm',
  institute: '/institute',
  broker: '/broker',
  admin: '/admin',
  expert: '/expert',
  investor: '/investor',
};

/** Only same-site paths may be followed after login (no open redirect). */
export function safeNext(next: string | null): string | null {
  if (next === null || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  return next;
}
