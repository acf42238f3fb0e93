import type { RewardStats } from '@/api/types';
import type { ChartOption } from '@/components/charts';
import type { Translate } from '@/i18n';

/** Claimed, approved, paid and clawed back per row of the statistics, as bars. */
export function rewardChartOption(stats: RewardStats, t: Translate): ChartOption {
  const series = (['claimed', 'approved', 'paid', 'clawed_back'] as const).map((key) => ({
    name: t(`stats.${key}`),
    type: 'bar' as const,
    data: stats.rows.map((row) => Number(row[key])),
  }));
  return {
    tooltip: { trigger: 'axis' },
    legend: { data: series.map((s) => s.name) },
    grid: { left: 70, right: 16, top: 40, bottom: 60 },
    xAxis: { type: 'category', data: stats.rows.map((row) => row.label), axisLabel: { rotate: stats.rows.length > 8 ? 30 : 0 } },
    yAxis: { type: 'value', name: t('money.yuan') },
    series,
  };
}
