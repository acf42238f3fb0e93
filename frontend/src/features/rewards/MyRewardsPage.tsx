import { Link } from 'react-router';

import { Chart, type ChartOption } from '@/components/charts';
import { Card, Col, EmptyState, LoadError, PageHeader, Row, Spin, StatCard, Typography } from '@/components/ui';
import { useClaims } from '@/hooks/queries/rewards';
import { useT } from '@/i18n';

import { yearSums } from './rewardSums';

const MONTHS = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'];

/** The broker's rewards this calendar year: pending, approved, paid, clawed back, by month. */
export function MyRewardsPage() {
  const t = useT();
  const year = new Date().getFullYear();
  const claims = useClaims({ since: `${year}-01-01`, page_size: 200 });
  const sums = claims.data === undefined ? null : yearSums(claims.data.items, year);

  const option: ChartOption | null =
    sums === null
      ? null
      : {
          tooltip: { trigger: 'axis' },
          grid: { left: 60, right: 16, top: 40, bottom: 24 }, // room for the axis name (元 / yuan) above
          xAxis: { type: 'category', data: MONTHS.map((m) => t('rewards.month', { month: m })) },
          yAxis: { type: 'value', name: t('money.yuan') },
          series: [{ name: t('rewards.paid'), type: 'bar', data: sums.paidByMonth.map(Number) }],
        };

  return (
    <>
      <PageHeader title={t('nav.broker.rewards')} subtitle={t('rewards.subtitle', { year })} />
      {claims.isError ? (
        <LoadError error={claims.error} retry={() => void claims.refetch()} />
      ) : sums === null ? (
        <Spin />
      ) : claims.data?.items.length === 0 ? (
        <Card>
          <EmptyState description={t('rewards.empty')} action={<Link to="/broker/claims/new">{t('claim.start')}</Link>} />
        </Card>
      ) : (
        <>
          <Row gutter={[16, 16]}>
            {(
              [
                ['rewards.paid', sums.paid, 'rewards.paid.help'],
                ['rewards.approved', sums.approved, 'rewards.approved.help'],
                ['rewards.pending', sums.pending, 'rewards.pending.help'],
                ['rewards.clawedBack', sums.clawedBack, 'rewards.clawedBack.help'],
              ] as const
            ).map(([key, value, help]) => (
              <Col key={key} xs={24} sm={12} lg={6}>
                <div data-testid={`rewards-${key.split('.')[1] ?? key}`}>
                  <StatCard title={t(key)} help={t(help)} value={Number(value)} precision={2} suffix={t('money.yuan')} />
                </div>
              </Col>
            ))}
          </Row>
          <Card title={t('rewards.byMonth')} style={{ marginTop: 16 }}>
            {option === null ? null : (
              <div role="img" aria-label={t('rewards.byMonth')}>
                <Chart option={option} height={280} />
              </div>
            )}
            <Typography.Paragraph type="secondary">{t('rewards.note')}</Typography.Paragraph>
          </Card>
        </>
      )}
    </>
  );
}
