import type { MonthFigures } from '@/api/types';
import type { ChartOption } from '@/components/charts';
import type { Translate } from '@/i18n';

/** The last twelve months: new demands and achievements as bars, new deals as a line. */
export function trendOption(monthly: readonly MonthFigures[], t: Translate): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { data: [t('landing.trend.demands'), t('landing.trend.achievements'), t('landing.trend.deals')] },
    grid: { left: 40, right: 16, top: 40, bottom: 24 },
    xAxis: { type: 'category', data: monthly.map((m) => m.month) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('landing.trend.demands'), type: 'bar', data: monthly.map((m) => m.demands) },
      { name: t('landing.trend.achievements'), type: 'bar', data: monthly.map((m) => m.achievements) },
      { name: t('landing.trend.deals'), type: 'line', data: monthly.map((m) => m.deals) },
    ],
  };
}
