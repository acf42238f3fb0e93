import type { ReactNode } from 'react';

import type { Role } from '@/api/types';
import { icons } from '@/components/ui';
import { MembersPage } from '@/features/accounts/MembersPage';
import { AuditLogPage } from '@/features/admin/AuditLogPage';
import { ExportsPage } from '@/features/admin/ExportsPage';
import { AdminDealsPage, ListingModerationPage, PayoutsPage, TaxonomyPage } from '@/features/admin/OperationsPages';
import { RegistryPage } from '@/features/admin/RegistryPage';
import { VerificationPage } from '@/features/admin/VerificationPage';
import { DealBoardPage } from '@/features/deals/DealBoardPage';
import { DealDetailPage } from '@/features/deals/DealDetailPage';
import { expertPages } from '@/features/experts/sections';
import { challengePages } from '@/features/challenges/sections';
import { capitalPages } from '@/features/capital/sections';
import { intakePages } from '@/features/intake/sections';
import { IntroductionsPage, PartyDealsPage } from '@/features/deals/PartyDealsPages';
import { EditAchievementPage, NewAchievementPage } from '@/features/listings/AchievementEditorPage';
import { EditDemandPage, NewDemandPage } from '@/features/listings/DemandEditorPage';
import { ImportPage } from '@/features/listings/ImportPage';
import { MyAchievementsPage } from '@/features/listings/MyAchievementsPage';
import { MyDemandsPage } from '@/features/listings/MyDemandsPage';
import { FirmMatchesPage, InstituteMatchesPage, OwnAchievementPage, OwnDemandPage } from '@/features/matches/ListingMatchesPages';
import { MatchFeedPage } from '@/features/matches/MatchFeedPage';
import { BrokerClaimPage, MyClaimsPage, SubmitClaimPage } from '@/features/rewards/BrokerClaimsPages';
import { ClaimReviewPage, ClaimsReviewListPage } from '@/features/rewards/ClaimsReviewPages';
import { DishonestyPage } from '@/features/rewards/DishonestyPage';
import { ChainAdminListPage, ChainEditorPage } from '@/features/chains/ChainEditorPages';
import { WorkspacePage } from '@/features/workspace/WorkspacePage';
import type { MessageKey } from '@/i18n';

import { MyRewardsPage, PolicyEditorPage, StatisticsPage } from './lazyPages';

export interface SectionPage {
  /** Relative to the section's base; '' is the section's index page. */
  path: string;
  labelKey: MessageKey;
  icon: ReactNode;
  element: ReactNode;
  /** Deeper pages (a demand, a deal) are routed and guarded but not in the side menu. */
  menu?: false;
  /** For a page not in the menu whose path is not under its menu entry's: the path of the
   *  menu page it belongs to, highlighted while it is open (the investor's `requests/:id`
   *  under `feed`). */
  under?: string;
}

export interface RoleSection {
  role: Role;
  /** Absolute path of the section, e.g. "/firm". */
  base: string;
  labelKey: MessageKey;
  pages: SectionPage[];
}

const workspace: SectionPage = {
  path: '',
  labelKey: 'nav.workspace',
  icon: <icons.DashboardOutlined />,
  element: <WorkspacePage />,
};

function hidden(path: string, element: ReactNode): SectionPage {
  return { path, labelKey: 'nav.workspace', icon: null, element, menu: false };
}

const partyDeals = (): SectionPage[] => [
  { path: 'introductions', labelKey: 'nav.party.introductions', icon: <icons.TeamOutlined />, element: <IntroductionsPage /> },
  { path: 'deals', labelKey: 'nav.party.deals', icon: <icons.ProjectOutlined />, element: <PartyDealsPage /> },
  hidden('deals/:dealId', <DealDetailPage />),
];

const members: SectionPage = { path: 'members', labelKey: 'nav.members', icon: <icons.UsergroupAddOutlined />, element: <MembersPage /> };

/**
 * Each role's part of the app: the side menu and the routes are both built
 * from this table, so a page added here is routed, guarded by role and listed
 * in that role's menu.
 */
export const ROLE_SECTIONS: Record<Role, RoleSection> = {
  firm: {
    role: 'firm',
    base: '/firm',
    labelKey: 'nav.firm',
    pages: [
      workspace,
      { path: 'demands', labelKey: 'nav.firm.demands', icon: <icons.BulbOutlined />, element: <MyDemandsPage /> },
      hidden('demands/new', <NewDemandPage />),
      hidden('demands/:demandId', <OwnDemandPage />),
      hidden('demands/:demandId/edit', <EditDemandPage />),
      { path: 'matches', labelKey: 'nav.firm.matches', icon: <icons.NodeIndexOutlined />, element: <FirmMatchesPage /> },
      ...partyDeals(),
      members,
      ...intakePages.firm,
      ...capitalPages.firm,
      ...challengePages.firm,
    ],
  },
  institute: {
    role: 'institute',
    base: '/institute',
    labelKey: 'nav.institute',
    pages: [
      workspace,
      { path: 'achievements', labelKey: 'nav.institute.achievements', icon: <icons.FileTextOutlined />, element: <MyAchievementsPage /> },
      hidden('achievements/new', <NewAchievementPage />),
      hidden('achievements/:achievementId', <OwnAchievementPage />),
      hidden('achievements/:achievementId/edit', <EditAchievementPage />),
      { path: 'import', labelKey: 'nav.institute.import', icon: <icons.UploadOutlined />, element: <ImportPage /> },
      { path: 'matches', labelKey: 'nav.institute.matches', icon: <icons.NodeIndexOutlined />, element: <InstituteMatchesPage /> },
      ...partyDeals(),
      members,
      ...expertPages.institute,
      ...capitalPages.institute,
      ...challengePages.institute,
    ],
  },
  broker: {
    role: 'broker',
    base: '/broker',
    labelKey: 'nav.broker',
    pages: [
      workspace,
      { path: 'matches', labelKey: 'nav.broker.matches', icon: <icons.NodeIndexOutlined />, element: <MatchFeedPage /> },
      { path: 'deals', labelKey: 'nav.broker.deals', icon: <icons.ProjectOutlined />, element: <DealBoardPage /> },
      hidden('deals/:dealId', <DealDetailPage />),
      { path: 'claims', labelKey: 'nav.broker.claims', icon: <icons.SolutionOutlined />, element: <MyClaimsPage /> },
      hidden('claims/new', <SubmitClaimPage />),
      hidden('claims/:claimId', <BrokerClaimPage />),
      { path: 'rewards', labelKey: 'nav.broker.rewards', icon: <icons.MoneyCollectOutlined />, element: <MyRewardsPage /> },
      members,
      ...intakePages.broker,
    ],
  },
  admin: {
    role: 'admin',
    base: '/admin',
    labelKey: 'nav.admin',
    pages: [
      workspace,
      { path: 'verifications', labelKey: 'nav.admin.verifications', icon: <icons.SafetyCertificateOutlined />, element: <VerificationPage /> },
      { path: 'claims', labelKey: 'nav.admin.claims', icon: <icons.AuditOutlined />, element: <ClaimsReviewListPage /> },
      { path: 'registry', labelKey: 'nav.admin.registry', icon: <icons.FileDoneOutlined />, element: <RegistryPage /> },
      hidden('claims/:claimId', <ClaimReviewPage />),
      { path: 'payouts', labelKey: 'nav.admin.payouts', icon: <icons.MoneyCollectOutlined />, element: <PayoutsPage /> },
      { path: 'deals', labelKey: 'nav.admin.deals', icon: <icons.ProjectOutlined />, element: <AdminDealsPage /> },
      hidden('deals/:dealId', <DealDetailPage />),
      { path: 'listings', labelKey: 'nav.admin.listings', icon: <icons.BulbOutlined />, element: <ListingModerationPage /> },
      { path: 'fields', labelKey: 'nav.admin.fields', icon: <icons.NodeIndexOutlined />, element: <TaxonomyPage /> },
      { path: 'policies', labelKey: 'nav.admin.policies', icon: <icons.FileSearchOutlined />, element: <PolicyEditorPage /> },
      { path: 'dishonesty-list', labelKey: 'nav.admin.dishonesty', icon: <icons.StopOutlined />, element: <DishonestyPage /> },
      { path: 'audit-log', labelKey: 'nav.admin.audit', icon: <icons.FileTextOutlined />, element: <AuditLogPage /> },
      { path: 'statistics', labelKey: 'nav.admin.statistics', icon: <icons.BarChartOutlined />, element: <StatisticsPage /> },
      { path: 'exports', labelKey: 'nav.admin.exports', icon: <icons.ExportOutlined />, element: <ExportsPage /> },
      { path: 'chains', labelKey: 'nav.admin.chains', icon: <icons.NodeIndexOutlined />, element: <ChainAdminListPage /> },
      hidden('chains/new', <ChainEditorPage />),
      hidden('chains/:chainId', <ChainEditorPage />),
      ...intakePages.admin,
      ...expertPages.admin,
      ...capitalPages.admin,
      ...challengePages.admin,
    ],
  },
  investor: {
    role: 'investor',
    base: '/investor',
    labelKey: 'nav.investor',
    pages: [workspace, members, ...capitalPages.investor],
  },
  expert: {
    role: 'expert',
    base: '/expert',
    labelKey: 'nav.expert',
    pages: [workspace, ...expertPages.expert, ...challengePages.expert],
  },
};

export function sectionPagePath(section: RoleSection, page: SectionPage): string {
  return page.path === '' ? section.base : `${section.base}/${page.path}`;
}
