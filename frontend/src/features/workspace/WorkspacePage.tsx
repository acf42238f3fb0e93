import { Card, PageHeader, Space, Tag, Typography } from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { useT } from '@/i18n';

/** A role's landing page inside its section: who you are and, later, what needs doing. */
export function WorkspacePage() {
  const t = useT();
  const session = useSession();
  if (session.status !== 'authenticated') return null;
  const { user } = session;

  return (
    <>
      <PageHeader title={t('workspace.welcome', { name: user.display_name })} subtitle={t(`role.${user.role}`)} />
      <Card>
        <Space direction="vertical">
          {user.organisation === null ? null : (
            <Space>
              <Typography.Text>{t('workspace.organisation', { name: user.organisation.name })}</Typography.Text>
              <Tag tone={user.organisation.verification_status === 'verified' ? 'success' : 'warning'}>
                {t(`verification.${user.organisation.verification_status}`)}
              </Tag>
            </Space>
          )}
          {user.broker === null ? null : (
            <Space>
              <Typography.Text>{t('workspace.brokerLevel', { level: t(`brokerLevel.${user.broker.level}`) })}</Typography.Text>
              <Tag tone={user.broker.verification_status === 'verified' ? 'success' : 'warning'}>
                {t(`verification.${user.broker.verification_status}`)}
              </Tag>
            </Space>
          )}
          <Typography.Text type="secondary">{t('common.comingSoon')}</Typography.Text>
        </Space>
      </Card>
    </>
  );
}
