import { useNavigate } from 'react-router';

import { Button, StatusPage } from '@/components/ui';
import { useT } from '@/i18n';

export function NotFoundPage() {
  const t = useT();
  const navigate = useNavigate();
  return (
    <StatusPage
      status={404}
      title={t('error.notFound.title')}
      detail={t('error.notFound.detail')}
      action={
        <Button kind="primary" onClick={() => void navigate('/')}>
          {t('common.backHome')}
        </Button>
      }
    />
  );
}
