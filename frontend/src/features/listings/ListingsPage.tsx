import { useMemo } from 'react';
import { useSearchParams } from 'react-router';

import { Card, EmptyState, List, LoadError, PageHeader, Tabs, Typography } from '@/components/ui';
import { useAchievements, useDemands } from '@/hooks/queries/listings';
import { useT } from '@/i18n';

import { AchievementItem, DemandItem } from './ListingCards';
import { filtersFromParams, paramsFromFilters, queryFromFilters } from './listingFilters';
import { ListingSearch } from './ListingSearch';

const PAGE_SIZE = 10;
type ListingTab = 'demands' | 'achievements';

/** Published listings anyone may see (more for signed-in brokers), with search and filters. */
export function ListingsPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const tab: ListingTab = params.get('tab') === 'achievements' ? 'achievements' : 'demands';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const query = { ...queryFromFilters(filters), page, page_size: PAGE_SIZE };

  const demands = useDemands(query, tab === 'demands');
  const achievements = useAchievements(query, tab === 'achievements');

  const setPage = (next: number) => {
    const updated = new URLSearchParams(params);
    updated.set('page', String(next));
    setParams(updated);
  };
  const search = (values: typeof filters) => setParams(paramsFromFilters(values, params));
  const hasFilters = Boolean(query.q ?? query.field_id ?? query.region ?? query.modes ?? query.trl_min);
  const empty = (
    <EmptyState description={hasFilters ? t('listing.empty.filtered') : t('listing.empty.none')} />
  );

  const pagination = (total: number) => ({
    current: page,
    pageSize: PAGE_SIZE,
    total,
    onChange: setPage,
    showTotal: (count: number) => t('common.total', { total: count }),
  });

  return (
    <>
      <PageHeader title={t('listings.title')} subtitle={t('listings.subtitle')} />
      <Card>
        <ListingSearch name={`search-${tab}`} values={filters} onSearch={search} />
      </Card>
      <Card style={{ marginTop: 16 }}>
        <Tabs
          activeKey={tab}
          onChange={(key) => setParams(new URLSearchParams({ tab: key }))}
          items={[
            {
              key: 'demands',
              label: t('listings.tab.demands'),
              children: demands.isError ? (
                <LoadError error={demands.error} retry={() => void demands.refetch()} />
              ) : (
                <List
                  loading={demands.isPending}
                  dataSource={demands.data?.items ?? []}
                  locale={{ emptyText: empty }}
                  pagination={pagination(demands.data?.total ?? 0)}
                  renderItem={(demand) => <DemandItem demand={demand} to={`/listings/demands/${demand.id}`} />}
                />
              ),
            },
            {
              key: 'achievements',
              label: t('listings.tab.achievements'),
              children: achievements.isError ? (
                <LoadError error={achievements.error} retry={() => void achievements.refetch()} />
              ) : (
                <List
                  loading={achievements.isPending}
                  dataSource={achievements.data?.items ?? []}
                  locale={{ emptyText: empty }}
                  pagination={pagination(achievements.data?.total ?? 0)}
                  renderItem={(achievement) => <AchievementItem achievement={achievement} to={`/listings/achievements/${achievement.id}`} />}
                />
              ),
            },
          ]}
        />
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('listings.visibilityNote')}
        </Typography.Paragraph>
      </Card>
    </>
  );
}
