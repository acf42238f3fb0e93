import type { RouteObject } from 'react-router';

import { AppLayout } from '@/components/layout/AppLayout';
import { LoginPage } from '@/features/accounts/LoginPage';
import { RegisterPage } from '@/features/accounts/RegisterPage';
import { RequireRole } from '@/features/accounts/RequireRole';
import { BrokerProfilePage, DirectoryPage } from '@/features/intake/DirectoryPages';
import { ChallengeEditorPage, ProposalEditorPage } from '@/features/challenges/ChallengeEditors';
import { ChallengeDetailPage, ChallengeListPage } from '@/features/challenges/ChallengePages';
import { ExpertApplyPage } from '@/features/experts/ExpertApplyPage';
import { ListingsPage } from '@/features/listings/ListingsPage';
import { LandingPage } from '@/features/market/LandingPage';
import { AchievementPage, DemandPage } from '@/features/matches/PublicListingPages';

import { NotFoundPage } from './NotFoundPage';
import { ChainsPage } from './lazyPages';
import { RouteError } from './RouteError';
import { ROLE_SECTIONS } from './sections';

const roleRoutes: RouteObject[] = Object.values(ROLE_SECTIONS).map((section) => ({
  path: section.base,
  element: <RequireRole roles={[section.role]} />,
  children: section.pages.map((page) =>
    page.path === '' ? { index: true, element: page.element } : { path: page.path, element: page.element },
  ),
}));

export const routes: RouteObject[] = [
  {
    element: <AppLayout />,
    errorElement: <RouteError />,
    children: [
      {
        errorElement: <RouteError />,
        children: [
          { index: true, element: <LandingPage /> },
          { path: 'listings', element: <ListingsPage /> },
          { path: 'listings/demands/:demandId', element: <DemandPage /> },
          { path: 'listings/achievements/:achievementId', element: <AchievementPage /> },
          { path: 'brokers', element: <DirectoryPage /> },
          { path: 'brokers/:brokerId', element: <BrokerProfilePage /> },
          { path: 'login', element: <LoginPage /> },
          { path: 'register', element: <RegisterPage /> },
          { path: 'experts/apply', element: <ExpertApplyPage /> },
          { path: 'challenges', element: <ChallengeListPage /> },
          { path: 'challenges/:challengeId', element: <ChallengeDetailPage /> },
          {
            element: <RequireRole roles={['firm', 'admin']} />,
            children: [
              { path: 'challenges/new', element: <ChallengeEditorPage /> },
              { path: 'challenges/:challengeId/edit', element: <ChallengeEditorPage /> },
            ],
          },
          { element: <RequireRole roles={['firm', 'institute']} />, children: [{ path: 'challenges/:challengeId/proposal', element: <ProposalEditorPage /> }] },
          ...roleRoutes,
          { path: 'chains', element: <ChainsPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];
