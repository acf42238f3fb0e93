import { Link, useNavigate, useParams } from 'react-router';

import type { Deal } from '@/api/types';
import { BudgetRange, Button, Card, Col, Descriptions, Flex, Money, PageHeader, QueryState, Row, Space, Tabs, Tag, Typography } from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { useDeal } from '@/hooks/queries/deals';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

import { isParty, runsDeal } from './access';
import { BrokersSection } from './BrokersSection';
import { ContractSection } from './ContractSection';
import { FilesSection } from './FilesSection';
import { IntroductionAnswer } from './IntroductionAnswer';
import { PaymentsSection } from './PaymentsSection';
import { StageActions } from './StageActions';
import { StageTag } from './StageTag';
import { TimelineSection } from './TimelineSection';

const CLAIMABLE = new Set<Deal['stage']>(['registered', 'paid', 'closed']);

function AcceptanceTag({ value }: { value: Deal['demand']['acceptance'] }) {
  const t = useT();
  return <Tag tone={value === 'accepted' ? 'success' : value === 'declined' ? 'danger' : 'warning'}>{t(`acceptance.${value}`)}</Tag>;
}

function Parties({ deal }: { deal: Deal }) {
  const t = useT();
  const { demand, achievement } = deal;
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} md={12}>
        <Card size="small" title={t('deal.demandSide')} extra={<AcceptanceTag value={demand.acceptance} />}>
          <Descriptions
            size="small"
            column={1}
            items={[
              {
                key: 'title',
                label: deal.challenge ? t('deal.challenge') : t('demand.title'),
                children: <Link to={deal.challenge ? `/challenges/${deal.challenge.challenge_id}` : `/listings/demands/${demand.listing_id}`}>{demand.title}</Link>,
              },
              { key: 'org', label: t('common.organisation'), children: demand.organisation?.name ?? t('common.anonymousFirm') },
              { key: 'region', label: t('common.region'), children: demand.region },
              {
                key: 'budget',
                label: t('demand.budget'),
                children: <BudgetRange min={demand.budget_min} max={demand.budget_max} />,
              },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} md={12}>
        <Card size="small" title={t('deal.achievementSide')} extra={<AcceptanceTag value={achievement.acceptance} />}>
          <Descriptions
            size="small"
            column={1}
            items={[
              {
                key: 'title',
                label: deal.challenge ? t('deal.challengeProposal') : t('achievement.title'),
                children: deal.challenge ? achievement.title : <Link to={`/listings/achievements/${achievement.listing_id}`}>{achievement.title}</Link>,
              },
              { key: 'org', label: t('common.organisation'), children: achievement.organisation?.name ?? t('common.notAvailable') },
              ...(achievement.trl === null ? [] : [{ key: 'trl', label: t('trl.label'), children: t('trl.value', { level: achievement.trl }) }]),
              {
                key: 'price',
                label: deal.challenge ? t('deal.challengeAward') : t('achievement.price'),
                children: achievement.price === null ? t('achievement.price.negotiable') : <Money value={achievement.price} rounded />,
              },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}

/** One deal for everyone on it: parties see and answer; its brokers run it; administrators oversee. */
export function DealDetailPage() {
  const t = useT();
  const navigate = useNavigate();
  const session = useSession();
  const id = Number(useParams().dealId);
  const deal = useDeal(id);
  const role = session.status === 'authenticated' ? session.user.role : null;
  const back = role === null ? '/' : role === 'broker' ? '/broker/deals' : `/${role}/deals`;

  return (
    <QueryState isPending={deal.isPending} error={deal.error} retry={() => void deal.refetch()}>
      {deal.data === undefined ? null : (
        <>
          <PageHeader
            title={
              <Space>
                {t('deal.number', { id: deal.data.id })}
                <StageTag stage={deal.data.stage} />
              </Space>
            }
            subtitle={t('deal.openedAt', { at: formatDateTime(deal.data.opened_at) })}
            extra={
              <>
                <Button onClick={() => void navigate(back)}>{t('common.back')}</Button>
                {runsDeal(deal.data) && CLAIMABLE.has(deal.data.stage) ? (
                  <Button kind="primary" onClick={() => void navigate(`/broker/claims/new?deal=${deal.data.id}`)} data-testid="start-claim">
                    {t('claim.start')}
                  </Button>
                ) : null}
              </>
            }
          />
          <Flex vertical gap={16}>
            {isParty(deal.data) ? (
              <Card size="small" title={t('deal.intro.title')}>
                <Typography.Paragraph type="secondary">{t('deal.intro.explain')}</Typography.Paragraph>
                <IntroductionAnswer deal={deal.data} />
              </Card>
            ) : null}
            {deal.data.allowed_next.length > 0 ? (
              <Card size="small" title={t('deal.stageActions')}>
                <StageActions deal={deal.data} />
              </Card>
            ) : null}
            <Parties deal={deal.data} />
            <Card>
              <Tabs
                items={[
                  { key: 'contract', label: t('deal.tab.contract'), children: <ContractSection deal={deal.data} /> },
                  { key: 'payments', label: t('deal.tab.payments'), children: <PaymentsSection deal={deal.data} /> },
                  { key: 'files', label: t('deal.tab.files'), children: <FilesSection deal={deal.data} /> },
                  { key: 'brokers', label: t('deal.tab.brokers'), children: <BrokersSection deal={deal.data} /> },
                  { key: 'timeline', label: t('deal.tab.timeline'), children: <TimelineSection deal={deal.data} /> },
                ]}
              />
            </Card>
          </Flex>
        </>
      )}
    </QueryState>
  );
}
