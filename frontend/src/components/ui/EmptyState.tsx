import { Empty } from 'antd';
import type { ReactNode } from 'react';

import { useT } from '@/i18n';

export interface EmptyStateProps {
  description?: ReactNode;
  /** A call to action under the message, e.g. a "post a demand" button. */
  action?: ReactNode;
  compact?: boolean;
}

export function EmptyState({ description, action, compact = false }: EmptyStateProps) {
  const t = useT();
  return (
    <Empty image={compact ? Empty.PRESENTED_IMAGE_SIMPLE : Empty.PRESENTED_IMAGE_DEFAULT} description={description ?? t('common.noData')}>
      {action}
    </Empty>
  );
}
