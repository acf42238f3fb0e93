import { useNavigate } from 'react-router';

import { Chart } from '@/components/charts';
import { Button, Card, Flex, Typography } from '@/components/ui';
import { CapitalTotals } from '@/features/capital/CapitalPages';
import { useMarketFigures } from '@/hooks/queries/market';
import { useT } from '@/i18n';

import { MarketFigures } from './MarketFigures';
import { trendOption } from './trend';

export function LandingPage() {
  const t = useT();
  const navigate = useNavigate();
  const figures = useMarketFigures();
  const monthly = figures.data?.monthly;

  return (
    <Flex vertical gap={24}>
      <Card>
        <Typography.Title level={2} style={{ marginTop: 0 }}>
          {t('landing.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('landing.subtitle')}</Typography.Paragraph>
        <Flex gap={12} wrap>
          <Button kind="primary" size="large" onClick={() => void navigate('/listings')}>
            {t('landing.cta.browse')}
          </Button>
          <Button size="large" onClick={() => void navigate('/register')}>
            {t('landing.cta.join')}
          </Button>
        </Flex>
      </Card>

      <section aria-labelledby="market-figures">
        <Typography.Title level={4} id="market-figures">
          {t('landing.figures.title')}
        </Typography.Title>
        <MarketFigures figures={figures.isError ? null : figures.data} loading={figures.isPending} />
      </section>

      <section aria-labelledby="capital-totals">
        <Typography.Title level={4} id="capital-totals">
          {t('capital.totals.title')}
        </Typography.Title>
        <CapitalTotals />
      </section>

      {monthly !== undefined && monthly.length > 0 ? (
        <Card title={t('landing.trend.title')}>
          <div role="img" aria-label={t('landing.trend.label')} data-testid="market-trend">
            <Chart option={trendOption(monthly, t)} />
          </div>
        </Card>
      ) : null}
    </Flex>
  );
}
