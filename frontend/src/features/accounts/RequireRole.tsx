import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';

import type { Role } from '@/api/types';
import { Button, PageLoading, StatusPage } from '@/components/ui';
import { useT } from '@/i18n';

import { ROLE_HOME } from './roleHome';
import { useSession } from './useSession';

export interface RequireRoleProps {
  roles: readonly Role[];
  /** Defaults to the nested routes (<Outlet />). */
  children?: ReactNode;
}

/**
 * Route guard: anonymous visitors go to /login (and come back after), users
 * of another role see 403. It only hides screens; the API checks every call.
 */
export function RequireRole({ roles, children }: RequireRoleProps) {
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const t = useT();

  switch (session.status) {
    case 'anonymous': {
      const next = encodeURIComponent(location.pathname + location.search);
      return <Navigate to={`/login?next=${next}`} replace />;
    }
    case 'loading':
      return <PageLoading />;
    case 'error':
      return (
        <StatusPage
          status={500}
          title={t('error.session.title')}
          detail={session.error.message}
          action={<Button onClick={session.retry}>{t('common.retry')}</Button>}
        />
      );
    case 'authenticated': {
      const { role } = session.user;
      if (!roles.includes(role)) {
        return (
          <StatusPage
            status={403}
            title={t('error.forbidden.title')}
            detail={t('error.forbidden.detail', { role: t(`role.${role}`) })}
            action={
              <Button kind="primary" onClick={() => void navigate(ROLE_HOME[role])}>
                {t('error.forbidden.goHome')}
              </Button>
            }
          />
        );
      }
      return children ?? <Outlet />;
    }
  }
}
