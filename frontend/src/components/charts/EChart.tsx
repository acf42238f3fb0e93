import { BarChart, GraphChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
// The ESM build: the CommonJS one (lib/) reaches the bundle as a namespace, not a component.
import ReactEChartsCore from 'echarts-for-react/esm/core';

import { usePrefersReducedMotion } from '@/app/reducedMotion';

import { fitOption } from './fit';
import type { ChartOption } from './types';

// Register only what the app draws, to keep the chart chunk small; add chart
// types here as pages need them.
echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer]);
echarts.use([GraphChart]); // the industry-chain map

export interface EChartProps {
  option: ChartOption;
  height?: number;
  loading?: boolean;
}

export default function EChart({ option, height = 320, loading = false }: EChartProps) {
  const reducedMotion = usePrefersReducedMotion();
  return (
    <ReactEChartsCore
      echarts={echarts}
      option={fitOption(option, reducedMotion)}
      showLoading={loading}
      notMerge
      style={{ height, width: '100%' }}
    />
  );
}
