import type { SectionPage } from '@/app/sections';
import { icons } from '@/components/ui';

import { ExpertPoolPage, MyExpertProfilePage, MyReviewsPage, ReviewPage } from './ExpertPages';
import { InstitutePocPage, PocRequestsPage } from './PocPages';

function hidden(path: string, element: SectionPage['element']): SectionPage {
  return { path, labelKey: 'nav.workspace', icon: null, element, menu: false };
}

/** The experts' pages in each role's section (app/sections.tsx). */
export const expertPages: Record<'expert' | 'institute' | 'admin', SectionPage[]> = {
  expert: [
    { path: 'reviews', labelKey: 'nav.expert.reviews', icon: <icons.AuditOutlined />, element: <MyReviewsPage /> },
    hidden('reviews/:assignmentId', <ReviewPage />),
    { path: 'profile', labelKey: 'nav.expert.profile', icon: <icons.UserOutlined />, element: <MyExpertProfilePage /> },
  ],
  institute: [{ path: 'poc', labelKey: 'nav.institute.poc', icon: <icons.SafetyCertificateOutlined />, element: <InstitutePocPage /> }],
  admin: [
    { path: 'experts', labelKey: 'nav.experts.pool', icon: <icons.TeamOutlined />, element: <ExpertPoolPage /> },
    { path: 'poc', labelKey: 'nav.experts.poc', icon: <icons.SafetyCertificateOutlined />, element: <PocRequestsPage /> },
  ],
};
