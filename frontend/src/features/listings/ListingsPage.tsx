import { Card, EmptyState, PageHeader, Tabs } from '@/components/ui';
import { useT } from '@/i18n';

export function ListingsPage() {
  const t = useT();
  return (
    <>
      <PageHeader title={t('listings.title')} subtitle={t('listings.subtitle')} />
      <Card>
        <Tabs
          items={[
            { key: 'demands', label: t('listings.tab.demands'), children: <EmptyState description={t('listings.empty')} /> },
            {
              key: 'achievements',
              label: t('listings.tab.achievements'),
              children: <EmptyState description={t('listings.empty')} />,
            },
          ]}
        />
      </Card>
    </>
  );
}
