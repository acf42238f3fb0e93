import type { Achievement, AchievementInput } from '@/api/types';

export type AchievementFormValues = Omit<AchievementInput, 'publish'>;

export const ACHIEVEMENT_FIELDS = [
  'title',
  'abstract',
  'field_id',
  'keywords',
  'trl',
  'stage',
  'ip_items',
  'price',
  'negotiable',
  'modes',
  'team_lead',
  'region',
] as const;

export function achievementToValues(achievement: Achievement): AchievementFormValues {
  return {
    title: achievement.title,
    abstract: achievement.abstract,
    field_id: achievement.field.id,
    keywords: achievement.keywords,
    trl: achievement.trl,
    stage: achievement.stage,
    ip_items: achievement.ip_items,
    price: achievement.price,
    negotiable: achievement.negotiable,
    modes: achievement.modes,
    team_lead: achievement.team_lead,
    region: achievement.region,
  };
}
