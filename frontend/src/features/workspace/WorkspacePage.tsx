import { Alert, Card, Col, FigureTitle, Flex, Money, PageHeader, Row, Space, StatCard, Tag, Typography } from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { PendingInvitations } from '@/features/challenges/ChallengeWork';
import { useFieldCodeName } from '@/features/listings/fields';
import { useDealDashboard } from '@/hooks/queries/deals';
import { useT } from '@/i18n';

import { AwaitingConfirmation } from './AwaitingConfirmation';
import { PayeeAccountCard } from './PayeeAccountCard';
import { Shortcuts } from './Shortcuts';

/** A broker's open deals by stage and this year's closed business. */
function BrokerDashboard() {
  const t = useT();
  const dashboard = useDealDashboard();
  if (dashboard.data === undefined) return null;
  const { open_total, closed_this_year, my_share_amount } = dashboard.data;
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} md={8}>
        <StatCard title={t('stats.openDeals')} help={t('stats.openDeals.help')} value={open_total} />
      </Col>
      <Col xs={24} md={8}>
        <StatCard title={t('stats.closedThisYear', { year: closed_this_year.year })} help={t('stats.closedThisYear.help')} value={closed_this_year.count} />
      </Col>
      <Col xs={24} md={8}>
        <Card>
          <Typography.Text type="secondary">
            <FigureTitle title={t('workspace.myShareAmount')} help={t('workspace.myShareAmount.help')} />
          </Typography.Text>
          <div style={{ fontSize: 20 }}>
            <Money value={my_share_amount ?? '0.00'} />
          </div>
        </Card>
      </Col>
    </Row>
  );
}

/** A role's landing page: who you are, what needs doing, and where to start. */
export function WorkspacePage() {
  const t = useT();
  const fieldName = useFieldCodeName();
  const session = useSession();
  if (session.status !== 'authenticated') return null;
  const { user } = session;
  const status = user.organisation?.verification_status ?? user.broker?.verification_status ?? null;

  return (
    <>
      <PageHeader title={t('workspace.welcome', { name: user.display_name })} subtitle={t(`role.${user.role}`)} />
      <Flex vertical gap={16}>
        {status === 'pending' ? <Alert type="warning" showIcon message={t('workspace.pending')} description={t('workspace.pending.next')} /> : null}
        {status === 'rejected' ? <Alert type="error" showIcon message={t('workspace.rejected')} description={t('workspace.rejected.next')} /> : null}
        {user.organisation === null && user.join_request?.status === 'pending' ? (
          <Alert
            type="warning"
            showIcon
            data-testid="join-pending"
            message={t('workspace.joinPending', { name: user.join_request.organisation_name })}
            description={t('workspace.joinPending.next')}
          />
        ) : null}
        <PendingInvitations />
        {user.organisation === null && user.join_request?.status === 'declined' ? (
          <Alert type="error" showIcon message={t('workspace.joinDeclined', { name: user.join_request.organisation_name })} />
        ) : null}
        <Card>
          <Space direction="vertical">
            {user.organisation === null ? null : (
              <Space wrap>
                <Typography.Text>{t('workspace.organisation', { name: user.organisation.name })}</Typography.Text>
                <Tag tone={user.organisation.verification_status === 'verified' ? 'success' : 'warning'}>{t(`verification.${user.organisation.verification_status}`)}</Tag>
              </Space>
            )}
            {user.broker === null ? null : (
              <Space wrap>
                <Typography.Text>{t('workspace.brokerLevel', { level: t(`brokerLevel.${user.broker.level}`) })}</Typography.Text>
                <Tag tone={user.broker.verification_status === 'verified' ? 'success' : 'warning'}>{t(`verification.${user.broker.verification_status}`)}</Tag>
                {user.broker.fields.length > 0 ? <Typography.Text type="secondary">{user.broker.fields.map(fieldName).join(t('list.separator'))}</Typography.Text> : null}
              </Space>
            )}
            <Shortcuts role={user.role} />
          </Space>
        </Card>
        {user.role === 'broker' || user.role === 'expert' ? null : <AwaitingConfirmation role={user.role} />}
        {user.role === 'broker' ? <BrokerDashboard /> : null}
        {user.role === 'broker' ? <PayeeAccountCard /> : null}
      </Flex>
    </>
  );
}
