import type { SectionPage } from '@/app/sections';
import { icons } from '@/components/ui';

import { CapitalStatsPage, FinancingRequestPage, InvestorFeedPage, MyFinancingPage, RoadshowsPage } from './CapitalPages';
import { EditFinancingPage, NewFinancingPage } from './FinancingEditor';
import { MandatePage } from './MandatePage';
import { EditRoadshowPage, NewRoadshowPage } from './RoadshowForms';

function hidden(path: string, element: SectionPage['element'], under?: string): SectionPage {
  return { path, labelKey: 'nav.workspace', icon: null, element, menu: false, ...(under === undefined ? {} : { under }) };
}

const roadshows: SectionPage = { path: 'roadshows', labelKey: 'nav.capital.roadshows', icon: <icons.TeamOutlined />, element: <RoadshowsPage /> };
const owner = (): SectionPage[] => [
  { path: 'financing', labelKey: 'nav.capital.requests', icon: <icons.MoneyCollectOutlined />, element: <MyFinancingPage /> },
  hidden('financing/new', <NewFinancingPage />),
  hidden('financing/:financingId', <FinancingRequestPage />),
  hidden('financing/:financingId/edit', <EditFinancingPage />),
  roadshows,
];

/** The capital chain's pages in each role's section (app/sections.tsx). */
export const capitalPages: Record<'investor' | 'firm' | 'institute' | 'admin', SectionPage[]> = {
  investor: [
    { path: 'feed', labelKey: 'nav.capital.feed', icon: <icons.NodeIndexOutlined />, element: <InvestorFeedPage /> },
    hidden('requests/:financingId', <FinancingRequestPage />, 'feed'),
    { path: 'mandate', labelKey: 'nav.capital.mandate', icon: <icons.SolutionOutlined />, element: <MandatePage /> },
    roadshows,
  ],
  firm: owner(),
  institute: owner(),
  admin: [
    { path: 'capital', labelKey: 'nav.capital.stats', icon: <icons.BarChartOutlined />, element: <CapitalStatsPage /> },
    roadshows,
    hidden('roadshows/new', <NewRoadshowPage />),
    hidden('roadshows/:roadshowId/edit', <EditRoadshowPage />),
  ],
};
