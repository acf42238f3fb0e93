export { Chart } from './Chart';
export type { EChartProps as ChartProps } from './EChart';
export type { ChartOption } from './types';
