import type { Challenge } from '@/hooks/queries/challenges';

/** Whether the proposal window is still open (the server decides; this only picks the view). */
export function proposalsOpen(c: Challenge): boolean {
  return c.status === 'published' && Date.now() < new Date(c.proposals_close_at).getTime();
}
