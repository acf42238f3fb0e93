import type { Role } from '@/api/types';
import type { MessageKey } from '@/i18n';

export interface Shortcut {
  to: string;
  labelKey: MessageKey;
  primary?: boolean;
}

export const SHORTCUTS: Record<Role, Shortcut[]> = {
  firm: [
    { to: '/firm/demands/new', labelKey: 'demand.new', primary: true },
    { to: '/firm/introductions', labelKey: 'nav.party.introductions' },
    { to: '/firm/deals', labelKey: 'nav.party.deals' },
  ],
  institute: [
    { to: '/institute/achievements/new', labelKey: 'achievement.new', primary: true },
    { to: '/institute/import', labelKey: 'nav.institute.import' },
    { to: '/institute/introductions', labelKey: 'nav.party.introductions' },
  ],
  broker: [
    { to: '/broker/matches', labelKey: 'nav.broker.matches', primary: true },
    { to: '/broker/deals', labelKey: 'nav.broker.deals' },
    { to: '/broker/claims/new', labelKey: 'claim.start' },
  ],
  admin: [
    { to: '/admin/verifications', labelKey: 'nav.admin.verifications', primary: true },
    { to: '/admin/claims', labelKey: 'nav.admin.claims' },
    { to: '/admin/statistics', labelKey: 'nav.admin.statistics' },
  ],
  expert: [
    { to: '/expert/reviews', labelKey: 'nav.expert.reviews', primary: true },
    { to: '/expert/profile', labelKey: 'nav.expert.profile' },
  ],
  investor: [{ to: '/investor/members', labelKey: 'nav.members', primary: true }],
};
