import { useState } from 'react';
import { Link } from 'react-router';

import type { DealSummary } from '@/api/types';
import { Card, EmptyState, List, LoadError, Money, PageHeader, Space, Spin, Table, type TableColumns, Typography } from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { useDeal, useDeals } from '@/hooks/queries/deals';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

import { IntroductionAnswer } from './IntroductionAnswer';
import { StageTag } from './StageTag';

function useSectionBase(): string {
  const session = useSession();
  return session.status === 'authenticated' ? `/${session.user.role}` : '';
}

/** The deals the viewer's organisation is party to. */
export function PartyDealsPage() {
  const t = useT();
  const base = useSectionBase();
  const [page, setPage] = useState(1);
  const deals = useDeals({ page, page_size: 20 });
  const columns: TableColumns<DealSummary> = [
    { key: 'id', title: t('deal.numberShort'), width: 90, render: (_, d) => <Link to={`${base}/deals/${d.id}`}>#{d.id}</Link> },
    { key: 'stage', title: t('deal.stage'), width: 110, render: (_, d) => <StageTag stage={d.stage} /> },
    { key: 'demand', title: t('deal.demandSide'), render: (_, d) => d.demand_title },
    { key: 'achievement', title: t('deal.achievementSide'), render: (_, d) => d.achievement_title },
    { key: 'amount', title: t('contract.amount'), align: 'right', render: (_, d) => <Money value={d.contract_amount} /> },
    { key: 'opened', title: t('deal.opened'), width: 160, render: (_, d) => formatDateTime(d.opened_at) },
  ];
  return (
    <>
      <PageHeader title={t('nav.party.deals')} subtitle={t('deal.party.subtitle')} />
      <Card>
        {deals.isError ? (
          <LoadError error={deals.error} retry={() => void deals.refetch()} />
        ) : (
          <Table<DealSummary>
            rowKey="id"
            columns={columns}
            dataSource={deals.data?.items}
            loading={deals.isPending}
            pagination={{ current: page, total: deals.data?.total ?? 0, onChange: setPage }}
            locale={{ emptyText: <EmptyState description={t('deal.party.empty')} /> }}
          />
        )}
      </Card>
    </>
  );
}

function IntroductionItem({ summary }: { summary: DealSummary }) {
  const t = useT();
  const base = useSectionBase();
  const deal = useDeal(summary.id);
  return (
    <List.Item data-testid={`introduction-${summary.id}`}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space wrap>
          <Link to={`${base}/deals/${summary.id}`}>{t('deal.number', { id: summary.id })}</Link>
          <StageTag stage={summary.stage} />
          <Typography.Text type="secondary">{formatDateTime(summary.opened_at)}</Typography.Text>
        </Space>
        <Typography.Text>
          {t('deal.demandSide')}: {summary.demand_title} ({summary.demand_organisation ?? t('common.anonymousFirm')})
        </Typography.Text>
        <Typography.Text>
          {t('deal.achievementSide')}: {summary.achievement_title} ({summary.achievement_organisation ?? t('common.notAvailable')})
        </Typography.Text>
        {deal.data === undefined ? deal.isError ? <LoadError error={deal.error} /> : <Spin size="small" /> : (
          <>
            <Typography.Text type="secondary">{t('deal.intro.by', { names: deal.data.brokers.filter((b) => b.role === 'lead').map((b) => b.display_name).join('、') })}</Typography.Text>
            <IntroductionAnswer deal={deal.data} />
          </>
        )}
      </Space>
    </List.Item>
  );
}

/** Introductions by brokers waiting for this organisation's answer. */
export function IntroductionsPage() {
  const t = useT();
  const deals = useDeals({ stage: ['requested', 'introduced'], page_size: 100 });
  return (
    <>
      <PageHeader title={t('nav.party.introductions')} subtitle={t('deal.intro.subtitle')} />
      <Card>
        {deals.isError ? (
          <LoadError error={deals.error} retry={() => void deals.refetch()} />
        ) : (
          <List<DealSummary>
            loading={deals.isPending}
            dataSource={deals.data?.items ?? []}
            locale={{ emptyText: <EmptyState description={t('deal.intro.empty')} /> }}
            renderItem={(summary) => <IntroductionItem summary={summary} />}
          />
        )}
      </Card>
    </>
  );
}
