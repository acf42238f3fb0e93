import type { Challenge } from '@/hooks/queries/challenges';
import { formatDate, formatDateTime } from '@/lib/dates';

/** Whether the proposal window is still open (the server decides; this only picks the view). */
export function proposalsOpen(c: Challenge): boolean {
  return c.status === 'published' && Date.now() < new Date(c.proposals_close_at).getTime();
}

/** When proposals close, named as the challenge page names the deadline: a close at Beijing
 *  midnight is the end of the deadline's day ("2027-01-17 24:00"), not "2027-01-18 00:00",
 *  which read as a day later than the deadline shown beside it. */
export function closesAtText(closeAt: string): string {
  const shown = formatDateTime(closeAt);
  const at = new Date(closeAt).getTime();
  if (!shown.endsWith(' 00:00') || Number.isNaN(at)) return shown;
  return `${formatDate(new Date(at - 1).toISOString())} 24:00`;
}
