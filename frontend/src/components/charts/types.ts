export type { EChartsCoreOption as ChartOption } from 'echarts/core';
