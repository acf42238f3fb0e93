import { useState } from 'react';
import { Link, useNavigate } from 'react-router';

import type { Achievement, AchievementStatus } from '@/api/types';
import { Button, Card, EmptyState, icons, LoadError, Money, PageHeader, Popconfirm, Select, Space, Table, type TableColumns, useMessage, useShowError } from '@/components/ui';
import { type AchievementAction, useAchievementAction, useAchievements } from '@/hooks/queries/listings';
import { useT } from '@/i18n';

import { useFieldName } from './fields';
import { AchievementStatusTag } from './labels';
import { achievementActions } from './listingActions';

const STATUSES: AchievementStatus[] = ['draft', 'published', 'transferred', 'withdrawn'];

export function MyAchievementsPage() {
  const t = useT();
  const navigate = useNavigate();
  const fieldName = useFieldName();
  const message = useMessage();
  const showError = useShowError();
  const [status, setStatus] = useState<AchievementStatus | undefined>();
  const [page, setPage] = useState(1);
  const achievements = useAchievements({ mine: true, status: status === undefined ? undefined : [status], page, page_size: 20, sort: 'newest' });
  const action = useAchievementAction();

  const run = (achievement: Achievement, kind: AchievementAction) =>
    action.mutate(
      { id: achievement.id, action: kind },
      { onSuccess: () => void message.success(t(`achievement.action.${kind}.done`)), onError: (error) => showError(error) },
    );

  const columns: TableColumns<Achievement> = [
    { key: 'title', title: t('achievement.title'), render: (_, a) => <Link to={`/institute/achievements/${a.id}`}>{a.title}</Link> },
    { key: 'status', title: t('common.status'), width: 110, render: (_, a) => <AchievementStatusTag status={a.status} /> },
    { key: 'field', title: t('common.field'), render: (_, a) => fieldName(a.field) },
    { key: 'trl', title: 'TRL', width: 70, render: (_, a) => a.trl },
    { key: 'price', title: t('achievement.price'), align: 'right', render: (_, a) => (a.price === null ? t('achievement.price.negotiable') : <Money value={a.price} rounded />) },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, a) => (
        <Space size={0} wrap>
          <Button kind="link" onClick={() => void navigate(`/institute/achievements/${a.id}`)}>
            {t('achievement.viewMatches')}
          </Button>
          <Button kind="link" onClick={() => void navigate(`/institute/achievements/${a.id}/edit`)} aria-label={t('achievement.editNamed', { title: a.title })}>
            {t('common.edit')}
          </Button>
          {achievementActions(a.status).map((kind) => (
            <Popconfirm key={kind} title={t(`achievement.action.${kind}.confirm`)} onConfirm={() => run(a, kind)} okText={t('common.confirm')} cancelText={t('common.cancel')}>
              <Button kind="link" danger={kind !== 'publish'} data-testid={`achievement-${kind}-${a.id}`}>
                {t(`achievement.action.${kind}`)}
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
        title={t('nav.institute.achievements')}
        subtitle={t('achievement.mine.subtitle')}
        extra={
          <>
            <Button icon={<icons.UploadOutlined />} onClick={() => void navigate('/institute/import')}>
              {t('nav.institute.import')}
            </Button>
            <Button kind="primary" icon={<icons.PlusOutlined />} onClick={() => void navigate('/institute/achievements/new')} data-testid="new-achievement">
              {t('achievement.new')}
            </Button>
          </>
        }
      />
      <Card>
        <Space style={{ marginBottom: 16 }}>
          <Select<AchievementStatus>
            allowClear
            placeholder={t('listing.filterByStatus')}
            aria-label={t('listing.filterByStatus')}
            style={{ width: 180 }}
            value={status}
            onChange={(value) => {
              setStatus(value);
              setPage(1);
            }}
            options={STATUSES.map((s) => ({ value: s, label: t(`achievementStatus.${s}`) }))}
          />
        </Space>
        {achievements.isError ? (
          <LoadError error={achievements.error} retry={() => void achievements.refetch()} />
        ) : (
          <Table<Achievement>
            rowKey="id"
            columns={columns}
            dataSource={achievements.data?.items}
            loading={achievements.isPending}
            pagination={{ current: page, total: achievements.data?.total ?? 0, onChange: setPage }}
            locale={{
              emptyText: (
                <EmptyState
                  description={status === undefined ? t('achievement.mine.empty') : t('listing.empty.filtered')}
                  action={
                    status === undefined ? (
                      <Space>
                        <Button kind="primary" onClick={() => void navigate('/institute/achievements/new')}>
                          {t('achievement.new')}
                        </Button>
                        <Button onClick={() => void navigate('/institute/import')}>{t('nav.institute.import')}</Button>
                      </Space>
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
