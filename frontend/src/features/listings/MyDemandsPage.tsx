import { useState } from 'react';
import { Link, useNavigate } from 'react-router';

import type { Demand, DemandStatus } from '@/api/types';
import { BudgetRange, Button, Card, EmptyState, icons, LoadError, PageHeader, Popconfirm, Select, Space, Table, type TableColumns, useMessage, useShowError } from '@/components/ui';
import { type DemandAction, useDemandAction, useDemands } from '@/hooks/queries/listings';
import { useT } from '@/i18n';
import { formatDate } from '@/lib/dates';

import { useFieldName } from './fields';
import { DemandStatusTag, VisibilityTag } from './labels';
import { demandActions } from './listingActions';

const STATUSES: DemandStatus[] = ['draft', 'published', 'in_negotiation', 'fulfilled', 'closed', 'expired', 'withdrawn'];

export function MyDemandsPage() {
  const t = useT();
  const navigate = useNavigate();
  const fieldName = useFieldName();
  const message = useMessage();
  const showError = useShowError();
  const [status, setStatus] = useState<DemandStatus | undefined>();
  const [page, setPage] = useState(1);
  const demands = useDemands({ mine: true, status: status === undefined ? undefined : [status], page, page_size: 20, sort: 'newest' });
  const action = useDemandAction();

  const run = (demand: Demand, kind: DemandAction) =>
    action.mutate(
      { id: demand.id, action: kind },
      { onSuccess: () => void message.success(t(`demand.action.${kind}.done`)), onError: (error) => showError(error) },
    );

  const columns: TableColumns<Demand> = [
    { key: 'title', title: t('demand.title'), render: (_, d) => <Link to={`/firm/demands/${d.id}`}>{d.title}</Link> },
    { key: 'status', title: t('common.status'), width: 110, render: (_, d) => <DemandStatusTag status={d.status} /> },
    { key: 'visibility', title: t('demand.visibility'), width: 130, render: (_, d) => <VisibilityTag visibility={d.visibility} /> },
    { key: 'field', title: t('common.field'), render: (_, d) => fieldName(d.field) },
    { key: 'budget', title: t('demand.budget'), align: 'right', render: (_, d) => <BudgetRange min={d.budget_min} max={d.budget_max} /> },
    { key: 'deadline', title: t('demand.deadline'), width: 120, render: (_, d) => formatDate(d.deadline) },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, d) => (
        <Space size={0} wrap>
          <Button kind="link" onClick={() => void navigate(`/firm/demands/${d.id}`)}>
            {t('demand.viewMatches')}
          </Button>
          <Button kind="link" onClick={() => void navigate(`/firm/demands/${d.id}/edit`)} aria-label={t('demand.editNamed', { title: d.title })}>
            {t('common.edit')}
          </Button>
          {demandActions(d.status).map((kind) => (
            <Popconfirm key={kind} title={t(`demand.action.${kind}.confirm`)} onConfirm={() => run(d, kind)} okText={t('common.confirm')} cancelText={t('common.cancel')}>
              <Button kind="link" danger={kind !== 'publish'} data-testid={`demand-${kind}-${d.id}`}>
                {t(`demand.action.${kind}`)}
              </Button>
            </Popconfirm>
          ))}
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.firm.demands')}
        subtitle={t('demand.mine.subtitle')}
        extra={
          <Button kind="primary" icon={<icons.PlusOutlined />} onClick={() => void navigate('/firm/demands/new')} data-testid="new-demand">
            {t('demand.new')}
          </Button>
        }
      />
      <Card>
        <Space style={{ marginBottom: 16 }}>
          <Select<DemandStatus>
            allowClear
            placeholder={t('listing.filterByStatus')}
            aria-label={t('listing.filterByStatus')}
            style={{ width: 180 }}
            value={status}
            onChange={(value) => {
              setStatus(value);
              setPage(1);
            }}
            options={STATUSES.map((s) => ({ value: s, label: t(`demandStatus.${s}`) }))}
          />
        </Space>
        {demands.isError ? (
          <LoadError error={demands.error} retry={() => void demands.refetch()} />
        ) : (
          <Table<Demand>
            rowKey="id"
            columns={columns}
            dataSource={demands.data?.items}
            loading={demands.isPending}
            pagination={{ current: page, total: demands.data?.total ?? 0, onChange: setPage }}
            locale={{
              emptyText: (
                <EmptyState
                  description={status === undefined ? t('demand.mine.empty') : t('listing.empty.filtered')}
                  action={
                    status === undefined ? (
                      <Button kind="primary" onClick={() => void navigate('/firm/demands/new')}>
                        {t('demand.new')}
                      </Button>
                    ) : undefined
                  }
                />
              ),
            }}
          />
        )}
      </Card>
    </>
  );
}
