import { Alert } from 'antd';
import type { ReactNode } from 'react';

import { ApiError } from '@/api/problem';
import { useT } from '@/i18n';

import { Button } from './Button';
import { PageLoading } from './Loading';

export interface QueryStateProps {
  isPending: boolean;
  error: Error | null;
  retry?: () => void;
  /** Rendered once the data is there. */
  children: ReactNode;
}

/** Loading, then either the content or what went wrong and what to do about it. */
export function QueryState({ isPending, error, retry, children }: QueryStateProps) {
  if (error !== null) return <LoadError error={error} retry={retry} />;
  if (isPending) return <PageLoading />;
  return children;
}

export function LoadError({ error, retry }: { error: Error; retry?: () => void }) {
  const t = useT();
  let hint = t('error.load.retryHint');
  if (error instanceof ApiError) {
    if (error.status === 404) hint = t('error.load.notFoundHint');
    else if (error.status === 403) hint = t('error.load.forbiddenHint');
  } else if (error instanceof TypeError) {
    hint = t('error.network');
  }
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      message={t('error.load.title')}
      description={
        <>
          {error instanceof ApiError ? <div>{error.message}</div> : null}
          <div>{hint}</div>
        </>
      }
      action={
        retry === undefined ? undefined : (
          <Button size="small" onClick={retry}>
            {t('common.retry')}
          </Button>
        )
      }
    />
  );
}
