import { Card, PageHeader, Space, StatCard, Table, type TableColumns } from '@/components/ui';
import { useFieldCodeName } from '@/features/listings/fields';
import { type ChallengeGroup, type ChallengeStats, useChallengeStats } from '@/hooks/queries/challenges';
import { useT } from '@/i18n';
import { formatYuan } from '@/lib/money';

import { ChallengeStatusTag } from './ChallengePages';

type StatusRow = ChallengeStats['by_status'][number];

/** `/admin/challenges`: the bureau's dashboard of open challenges. */
export function ChallengeStatsPage() {
  const t = useT();
  const stats = useChallengeStats();
  const s = stats.data;
  const fieldName = useFieldCodeName();
  const fieldColumns: TableColumns<ChallengeGroup> = [
    { key: 'key', title: t('challenges.stats.field'), render: (_, g) => (g.key === 'none' ? t('challenges.stats.noField') : fieldName(g.key)) },
    { key: 'challenges', title: t('challenges.stats.challenges'), align: 'right', width: 120, render: (_, g) => g.challenges },
    { key: 'proposals', title: t('challenges.stats.proposals'), align: 'right', width: 100, render: (_, g) => g.proposals },
    { key: 'committed', title: t('challenges.stats.committed'), align: 'right', width: 150, render: (_, g) => formatYuan(g.committed) },
    { key: 'paid', title: t('challenges.stats.paid'), align: 'right', width: 150, render: (_, g) => formatYuan(g.paid) },
  ];
  const statusColumns: TableColumns<StatusRow> = [
    { key: 'status', title: t('common.status'), render: (_, r) => <ChallengeStatusTag status={r.status} /> },
    { key: 'challenges', title: t('challenges.stats.count'), align: 'right', width: 140, render: (_, r) => r.challenges },
  ];
  return (
    <>
      <PageHeader title={t('challenges.stats.title')} subtitle={t('challenges.stats.subtitle')} />
      <Space wrap size={16} style={{ marginBottom: 16 }}>
        <StatCard title={t('challenges.stats.challenges')} value={s?.totals.challenges ?? null} loading={stats.isLoading} />
        <StatCard title={t('challenges.stats.proposals')} value={s?.totals.proposals ?? null} loading={stats.isLoading} />
        <StatCard title={t('challenges.stats.committed')} value={s ? formatYuan(s.totals.committed) : null} loading={stats.isLoading} />
        <StatCard title={t('challenges.stats.paid')} value={s ? formatYuan(s.totals.paid) : null} loading={stats.isLoading} />
        <StatCard title={t('challenges.stats.awaiting')} value={s?.awaiting_receipt ?? null} loading={stats.isLoading} />
        <StatCard title={t('challenges.stats.drafts')} value={s?.drafts ?? null} loading={stats.isLoading} />
      </Space>
      <Space direction="vertical" style={{ width: '100%' }} size={16}>
        <Card title={t('challenges.stats.byField')}>
          <Table<ChallengeGroup> rowKey="key" columns={fieldColumns} dataSource={s?.by_field ?? []} loading={stats.isLoading} pagination={false} scroll={{ x: 640 }} />
        </Card>
        <Card title={t('challenges.stats.byStatus')}>
          <Table<StatusRow> rowKey="status" columns={statusColumns} dataSource={s?.by_status ?? []} loading={stats.isLoading} pagination={false} />
        </Card>
      </Space>
    </>
  );
}
