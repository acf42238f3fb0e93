import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { routes } from '@/app/routes';
import { renderRoutes } from '@/test/render';
import { json, serve } from '@/test/server';

// ECharts draws on a canvas jsdom does not have; the chart's option is what matters here.
vi.mock('@/components/charts', () => ({
  Chart: ({ option }: { option: { series: { name: string; data: number[] }[] } }) => (
    <ul data-testid="chart">
      {option.series.map((series) => (
        <li key={series.name}>{`${series.name}: ${series.data.join(',')}`}</li>
      ))}
    </ul>
  ),
}));

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the landing page', () => {
  it('shows the market figures and the monthly trend', async () => {
    serve({
      'GET /api/v1/market/figures': () =>
        json({
          demands: 128,
          achievements: 342,
          deals: 57,
          contract_amount: '123456789.00',
          rewards_paid: '1520000.00',
          monthly: [
            { month: '2026-10', demands: 10, achievements: 20, deals: 3 },
            { month: '2026-11', demands: 12, achievements: 25, deals: 4 },
          ],
        }),
    });
    renderRoutes(routes, { path: '/' });

    expect(await screen.findByText('128')).toBeInTheDocument();
    expect(screen.getByText('342')).toBeInTheDocument();
    expect(screen.getByText('12,345')).toBeInTheDocument(); // 万元, integer part
    const chart = await screen.findByTestId('chart');
    expect(within(chart).getByText('技术需求: 10,12')).toBeInTheDocument();
    expect(within(chart).getByText('撮合项目: 3,4')).toBeInTheDocument();
  });
});
