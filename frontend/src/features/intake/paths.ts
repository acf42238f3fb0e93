import type { Role } from '@/api/types';

/** Where a role's intake pages live: '/firm', '/broker', '/admin'. */
export function basePath(role: Role | undefined): string {
  return role === undefined ? '' : `/${role}`;
}

/** Days since an ISO time, whole days (for the age of a waiting request). */
export function ageInDays(iso: string, now: Date = new Date()): number {
  return Math.max(0, Math.floor((now.getTime() - new Date(iso).getTime()) / 86_400_000));
}

/** A text or number from a loosely typed record (proposal evidence), '' otherwise. */
export function text(record: Record<string, unknown>, key: string): string {
  const value = record[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}
