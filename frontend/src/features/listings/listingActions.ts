import type { AchievementStatus, DemandStatus } from '@/api/types';
import type { AchievementAction, DemandAction } from '@/hooks/queries/listings';

/** What the owner may do with a demand in each status (the server checks again). */
export function demandActions(status: DemandStatus): DemandAction[] {
  switch (status) {
    case 'draft':
      return ['publish'];
    case 'published':
      return ['withdraw', 'close'];
    case 'expired':
    case 'withdrawn':
      return ['publish'];
    default:
      return [];
  }
}

/** What the owner may do with an achievement in each status (the server checks again). */
export function achievementActions(status: AchievementStatus): AchievementAction[] {
  if (status === 'draft' || status === 'withdrawn') return ['publish'];
  if (status === 'published') return ['withdraw'];
  return [];
}
