import type { MarketFigures as Figures } from '@/api/types';
import { Alert, Col, Row, StatCard } from '@/components/ui';
import { useT } from '@/i18n';
import { yuanToWan } from '@/lib/money';

function wan(yuan: string | undefined): number | null {
  const text = yuan === undefined ? null : yuanToWan(yuan);
  return text === null ? null : Number(text);
}

export function MarketFigures({ figures, loading }: { figures: Figures | null | undefined; loading: boolean }) {
  const t = useT();
  const cards = [
    { key: 'demands', title: t('landing.figures.demands'), value: figures?.demands ?? null },
    { key: 'achievements', title: t('landing.figures.achievements'), value: figures?.achievements ?? null },
    { key: 'deals', title: t('landing.figures.deals'), value: figures?.deals ?? null },
    { key: 'contract', title: t('landing.figures.contractAmount'), value: wan(figures?.contract_amount), precision: 2 },
    { key: 'rewards', title: t('landing.figures.rewardsPaid'), value: wan(figures?.rewards_paid), precision: 2 },
  ];
  return (
    <>
      {!loading && figures === null ? (
        <Alert type="info" showIcon role="status" message={t('landing.figures.unavailable')} style={{ marginBottom: 16 }} />
      ) : null}
      <Row gutter={[16, 16]}>
        {cards.map((card) => (
          <Col key={card.key} xs={24} sm={12} lg={8} xl={{ flex: '20%' }}>
            <StatCard
              title={card.title}
              value={card.value}
              precision={card.precision}
              loading={loading}
              placeholder={t('common.notAvailable')}
            />
          </Col>
        ))}
      </Row>
    </>
  );
}
