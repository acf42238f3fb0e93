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
    { key: 'demands', title: t('landing.figures.demands'), help: t('landing.figures.demands.help'), value: figures?.demands ?? null },
    { key: 'achievements', title: t('landing.figures.achievements'), help: t('landing.figures.achievements.help'), value: figures?.achievements ?? null },
    { key: 'deals', title: t('landing.figures.deals'), help: t('landing.figures.deals.help'), value: figures?.deals ?? null },
    { key: 'completed', title: t('landing.figures.completed'), help: t('landing.figures.completed.help'), value: figures?.completed ?? null },
    { key: 'contract', title: t('landing.figures.contractAmount'), help: t('landing.figures.contractAmount.help'), value: wan(figures?.contract_amount), precision: 2 },
    { key: 'rewards', title: t('landing.figures.rewardsPaid'), help: t('landing.figures.rewardsPaid.help'), value: wan(figures?.rewards_paid), precision: 2 },
  ];
  return (
    <>
      {!loading && figures === null ? (
        <Alert type="info" showIcon role="status" message={t('landing.figures.unavailable')} style={{ marginBottom: 16 }} />
      ) : null}
      <Row gutter={[16, 16]}>
        {cards.map((card) => (
          <Col key={card.key} xs={24} sm={12} lg={8}>
            <StatCard
              title={card.title}
              help={card.help}
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
