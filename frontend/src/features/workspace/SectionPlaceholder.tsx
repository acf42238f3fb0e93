import { Card, EmptyState, PageHeader } from '@/components/ui';
import { type MessageKey, useT } from '@/i18n';

/** Stands in for a section page until its feature is built. */
export function SectionPlaceholder({ titleKey }: { titleKey: MessageKey }) {
  const t = useT();
  const title = t(titleKey);
  return (
    <>
      <PageHeader title={title} />
      <Card>
        <EmptyState description={t('workspace.placeholder', { section: title })} />
      </Card>
    </>
  );
}
