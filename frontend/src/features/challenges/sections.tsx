import type { SectionPage } from '@/app/sections';
import { icons } from '@/components/ui';

import { ReviewingPage, ScoreSheetPage } from './ChallengePages';
import { InvitationsPage } from './ChallengeWork';
import { ChallengeStatsPage } from './ChallengeStatsPage';

function hidden(path: string, element: SectionPage['element']): SectionPage {
  return { path, labelKey: 'nav.workspace', icon: null, element, menu: false };
}

/** The challenges' pages in each role's section (app/sections.tsx). */
export const challengePages: Record<'expert' | 'admin' | 'firm' | 'institute', SectionPage[]> = {
  expert: [
    { path: 'challenges', labelKey: 'nav.expert.challenges', icon: <icons.TrophyOutlined />, element: <ReviewingPage /> },
    hidden('challenges/:challengeId', <ScoreSheetPage />),
  ],
  firm: [{ path: 'challenges', labelKey: 'nav.party.challengeInvitations', icon: <icons.TrophyOutlined />, element: <InvitationsPage /> }],
  institute: [{ path: 'challenges', labelKey: 'nav.party.challengeInvitations', icon: <icons.TrophyOutlined />, element: <InvitationsPage /> }],
  admin: [{ path: 'challenges', labelKey: 'nav.admin.challenges', icon: <icons.TrophyOutlined />, element: <ChallengeStatsPage /> }],
};
