import type { SectionPage } from '@/app/sections';
import { icons } from '@/components/ui';

import { ReviewingPage, ScoreSheetPage } from './ChallengePages';

function hidden(path: string, element: SectionPage['element']): SectionPage {
  return { path, labelKey: 'nav.workspace', icon: null, element, menu: false };
}

/** The challenges' pages in each role's section (app/sections.tsx). */
export const challengePages: Record<'expert', SectionPage[]> = {
  expert: [
    { path: 'challenges', labelKey: 'nav.expert.challenges', icon: <icons.TrophyOutlined />, element: <ReviewingPage /> },
    hidden('challenges/:challengeId', <ScoreSheetPage />),
  ],
};
