import { lazy, Suspense } from 'react';

import { PageLoading } from '@/components/ui';

import type { EChartProps } from './EChart';

// ECharts is large: it loads in its own chunk the first time a chart shows.
const EChart = lazy(() => import('./EChart'));

export function Chart(props: EChartProps) {
  return (
    <Suspense fallback={<PageLoading />}>
      <EChart {...props} />
    </Suspense>
  );
}
