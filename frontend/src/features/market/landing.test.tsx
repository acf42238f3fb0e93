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
  it('asks for the figures again when the window regains focus', async () => {
    let demands = 140;
    const api = serve({
      'GET /api/v1/market/figures': () =>
        json({ demands: demands++, achievements: 1, deals: 0, completed: 0, contract_amount: '0.00', rewards_paid: '0.00', monthly: [] }),
    });
    renderRoutes(routes, { path: '/' });
    expect(await screen.findByText('140')).toBeInTheDocument();
    window.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new Event('focus'));
    expect(await screen.findByText('141')).toBeInTheDocument();
    expect(api.calls('GET', '/api/v1/market/figures').length).toBeGreaterThanOrEqual(2);
  });

  it('shows the market figures and the monthly trend', async () => {
    serve({
      'GET /api/v1/market/figures': () =>
        json({
          demands: 128,
          achievements: 342,
          deals: 57,
          completed: 4,
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
    // Fully paid deals have a figure of their own, and every figure says what it counts.
    expect(screen.getByText('已全额到账').closest('.ant-statistic')).toHaveTextContent('4');
    for (const title of ['技术需求', '科技成果', '撮合项目', '已全额到账', '技术合同成交额（万元）', '已发放奖补（万元）']) {
      const card = screen.getAllByText(title).map((node) => node.closest('.ant-statistic')).find((node) => node !== null);
      expect(card?.querySelector('[data-help]')?.getAttribute('data-help'), title).toMatch(/.{10,}/);
    }
    expect(screen.getByRole('img', { name: /合同款已全额到账/ })).toBeInTheDocument();
    const chart = await screen.findByTestId('chart');
    expect(within(chart).getByText('技术需求: 10,12')).toBeInTheDocument();
    expect(within(chart).getByText('撮合项目: 3,4')).toBeInTheDocument();
  });
});
