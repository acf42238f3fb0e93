import { isRouteErrorResponse, useRouteError } from 'react-router';

import { Button, StatusPage } from '@/components/ui';
import { useT } from '@/i18n';

import { NotFoundPage } from './NotFoundPage';

/** Shown when rendering a route throws: the shell stays usable. */
export function RouteError() {
  const t = useT();
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPage />;
  return (
    <StatusPage
      status={500}
      title={t('error.unexpected')}
      detail={error instanceof Error ? error.message : undefined}
      action={<Button onClick={() => window.location.reload()}>{t('common.retry')}</Button>}
    />
  );
}
