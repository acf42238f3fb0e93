import { useState } from 'react';

import type { FlagRates, RewardStats, StatsGroupBy } from '@/api/types';
import { Chart, type ChartOption } from '@/components/charts';
import { Card, Col, DateInput, EmptyState, Flex, LoadError, Money, PageHeader, Row, Segmented, Space, Spin, StatCard, Table, type TableColumns } from '@/components/ui';
import { StageTag } from '@/features/deals/StageTag';
import { useDealDashboard } from '@/hooks/queries/deals';
import { useMarketFigures } from '@/hooks/queries/market';
import { useFlagStats, useRewardStats } from '@/hooks/queries/rewards';
import { useT } from '@/i18n';
import { codeLabel } from '@/i18n/codeLabels';
import { ratePercent } from '@/lib/decimal';

import { rewardChartOption } from './charts';

type Row_ = RewardStats['rows'][number];
type RuleRow = FlagRates['rules'][number];

function RewardStatsCard() {
  const t = useT();
  const [groupBy, setGroupBy] = useState<StatsGroupBy>('month');
  const [since, setSince] = useState<string | null>(`${new Date().getFullYear()}-01-01`);
  const [until, setUntil] = useState<string | null>(null);
  const stats = useRewardStats({ group_by: groupBy, since: since ?? undefined, until: until ?? undefined });
  const columns: TableColumns<Row_> = [
    { key: 'label', title: t(`stats.groupBy.${groupBy}`), render: (_, r) => r.label },
    { key: 'claims', title: t('stats.claims'), align: 'right', render: (_, r) => r.claims },
    { key: 'claimed', title: t('stats.claimed'), align: 'right', render: (_, r) => <Money value={r.claimed} /> },
    { key: 'approved', title: t('stats.approved'), align: 'right', render: (_, r) => <Money value={r.approved} /> },
    { key: 'paid', title: t('stats.paid'), align: 'right', render: (_, r) => <Money value={r.paid} /> },
    { key: 'clawed', title: t('stats.clawed_back'), align: 'right', render: (_, r) => <Money value={r.clawed_back} /> },
  ];
  return (
    <Card
      title={t('stats.rewards')}
      extra={
        <Space wrap>
          <Segmented<StatsGroupBy>
            aria-label={t('stats.groupByLabel')}
            value={groupBy}
            onChange={setGroupBy}
            options={(['month', 'field', 'broker', 'region'] as const).map((g) => ({ value: g, label: t(`stats.groupBy.${g}`) }))}
          />
          <DateInput value={since} onChange={setSince} aria-label={t('audit.since')} />
          <DateInput value={until} onChange={setUntil} aria-label={t('audit.until')} />
        </Space>
      }
    >
      {stats.isError ? (
        <LoadError error={stats.error} retry={() => void stats.refetch()} />
      ) : stats.isPending ? (
        <Spin />
      ) : stats.data.rows.length === 0 ? (
        <EmptyState description={t('stats.empty')} />
      ) : (
        <>
          <div role="img" aria-label={t('stats.rewards')} data-testid="reward-stats-chart">
            <Chart option={rewardChartOption(stats.data, t)} />
          </div>
          <Table<Row_>
            rowKey="key"
            size="small"
            columns={columns}
            dataSource={stats.data.rows}
            pagination={false}
            summary={() => (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0}>{t('stats.total')}</Table.Summary.Cell>
                <Table.Summary.Cell index={1} align="right">
                  {stats.data.total.claims}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={2} align="right">
                  <Money value={stats.data.total.claimed} />
                </Table.Summary.Cell>
                <Table.Summary.Cell index={3} align="right">
                  <Money value={stats.data.total.approved} />
                </Table.Summary.Cell>
                <Table.Summary.Cell index={4} align="right">
                  <Money value={stats.data.total.paid} />
                </Table.Summary.Cell>
                <Table.Summary.Cell index={5} align="right">
                  <Money value={stats.data.total.clawed_back} />
                </Table.Summary.Cell>
              </Table.Summary.Row>
            )}
          />
        </>
      )}
    </Card>
  );
}

function FlagRatesCard() {
  const t = useT();
  const rates = useFlagStats();
  const columns: TableColumns<RuleRow> = [
    { key: 'rule', title: t('stats.rule'), render: (_, r) => codeLabel(t, 'FlagOut.rule', r.rule) },
    { key: 'flagged', title: t('stats.flaggedClaims'), align: 'right', render: (_, r) => `${r.flagged_claims} / ${r.claims}` },
    { key: 'rate', title: t('stats.rate'), align: 'right', render: (_, r) => ratePercent(r.rate) },
    { key: 'open', title: t('flagStatus.open'), align: 'right', render: (_, r) => r.open },
    { key: 'dismissed', title: t('flagStatus.dismissed'), align: 'right', render: (_, r) => r.dismissed },
    { key: 'confirmed', title: t('flagStatus.confirmed'), align: 'right', render: (_, r) => r.confirmed },
    { key: 'cleared', title: t('flagStatus.cleared'), align: 'right', render: (_, r) => r.cleared },
  ];
  return (
    <Card title={t('stats.flags')}>
      {rates.isError ? (
        <LoadError error={rates.error} retry={() => void rates.refetch()} />
      ) : (
        <Table<RuleRow> rowKey="rule" size="small" columns={columns} dataSource={rates.data?.rules} loading={rates.isPending} pagination={false} locale={{ emptyText: <EmptyState compact description={t('stats.noFlags')} /> }} />
      )}
    </Card>
  );
}

function PipelineCard() {
  const t = useT();
  const dashboard = useDealDashboard();
  if (dashboard.isError) return <LoadError error={dashboard.error} retry={() => void dashboard.refetch()} />;
  if (dashboard.isPending) return <Spin />;
  const option: ChartOption = {
    tooltip: { trigger: 'axis' },
    grid: { left: 40, right: 16, top: 16, bottom: 24 },
    xAxis: { type: 'category', data: dashboard.data.open_by_stage.map((s) => t(`stage.${s.stage}`)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', name: t('stats.openDeals'), data: dashboard.data.open_by_stage.map((s) => s.count) }],
  };
  return (
    <Card title={t('stats.pipeline')}>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Flex vertical gap={12}>
            <StatCard title={t('stats.openDeals')} help={t('stats.openDeals.help')} value={dashboard.data.open_total} />
            <StatCard title={t('stats.closedThisYear', { year: dashboard.data.closed_this_year.year })} help={t('stats.closedThisYear.help')} value={dashboard.data.closed_this_year.count} />
            <Card size="small">
              {t('stats.closedAmount', { year: dashboard.data.closed_this_year.year })}: <Money value={dashboard.data.closed_this_year.amount} />
            </Card>
            <Space wrap>
              {dashboard.data.open_by_stage.map((s) => (
                <span key={s.stage}>
                  <StageTag stage={s.stage} /> {s.count}
                </span>
              ))}
            </Space>
          </Flex>
        </Col>
        <Col xs={24} md={16}>
          <div role="img" aria-label={t('stats.pipeline')}>
            <Chart option={option} height={260} />
          </div>
        </Col>
      </Row>
    </Card>
  );
}

function MarketCard() {
  const t = useT();
  const figures = useMarketFigures();
  if (figures.isError) return <LoadError error={figures.error} retry={() => void figures.refetch()} />;
  return (
    <Row gutter={[16, 16]}>
      <Col xs={12} md={6}>
        <StatCard title={t('landing.figures.demands')} help={t('landing.figures.demands.help')} value={figures.data?.demands ?? null} loading={figures.isPending} />
      </Col>
      <Col xs={12} md={6}>
        <StatCard title={t('landing.figures.achievements')} help={t('landing.figures.achievements.help')} value={figures.data?.achievements ?? null} loading={figures.isPending} />
      </Col>
      <Col xs={12} md={6}>
        <StatCard title={t('landing.figures.deals')} help={t('landing.figures.deals.help')} value={figures.data?.deals ?? null} loading={figures.isPending} />
      </Col>
      <Col xs={12} md={6}>
        <StatCard title={t('landing.figures.completed')} help={t('landing.figures.completed.help')} value={figures.data?.completed ?? null} loading={figures.isPending} />
      </Col>
      <Col xs={12} md={6}>
        <StatCard title={t('landing.figures.rewardsPaidYuan')} help={t('landing.figures.rewardsPaid.help')} value={figures.data === undefined ? null : Number(figures.data.rewards_paid)} precision={2} loading={figures.isPending} />
      </Col>
    </Row>
  );
}

/** The bureau's view of the market: listings, the deal pipeline, rewards and integrity flags. */
export function StatisticsPage() {
  const t = useT();
  return (
    <>
      <PageHeader title={t('nav.admin.statistics')} subtitle={t('stats.subtitle')} />
      <Flex vertical gap={16}>
        <MarketCard />
        <PipelineCard />
        <RewardStatsCard />
        <FlagRatesCard />
      </Flex>
    </>
  );
}
