import { lazy } from 'react';

// Chart-heavy pages load with their own chunk (ECharts comes with them); the
// shell's <Suspense> shows a spinner meanwhile.
export const MyRewardsPage = lazy(() => import('@/features/rewards/MyRewardsPage').then((m) => ({ default: m.MyRewardsPage })));
export const StatisticsPage = lazy(() => import('@/features/admin/StatisticsPage').then((m) => ({ default: m.StatisticsPage })));
export const PolicyEditorPage = lazy(() => import('@/features/rewards/PolicyEditorPage').then((m) => ({ default: m.PolicyEditorPage })));
export const ChainsPage = lazy(() => import('@/features/chains/ChainsPage').then((m) => ({ default: m.ChainsPage })));
