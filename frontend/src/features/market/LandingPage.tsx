import { useNavigate } from 'react-router';

import { Chart, type ChartOption } from '@/components/charts';
import { Button, Card, Flex, Typography } from '@/components/ui';
import { type MarketFigures as Figures, useMarketFigures } from '@/hooks/queries/market';
import { type Translate, useT } from '@/i18n';

import { MarketFigures } from './MarketFigures';

function trendOption(monthly: NonNullable<Figures['monthly']>, t: Translate): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { data: [t('landing.trend.demands'), t('landing.trend.achievements')] },
    grid: { left: 40, right: 16, top: 40, bottom: 24 },
    xAxis: { type: 'category', data: monthly.map((m) => m.month) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('landing.trend.demands'), type: 'bar', data: monthly.map((m) => m.demands) },
      { name: t('landing.trend.achievements'), type: 'bar', data: monthly.map((m) => m.achievements) },
    ],
  };
}

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

      {monthly !== undefined && monthly.length > 0 ? (
        <Card title={t('landing.trend.title')}>
          <Chart option={trendOption(monthly, t)} />
        </Card>
      ) : null}
    </Flex>
  );
}
