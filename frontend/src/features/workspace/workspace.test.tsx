import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import { createQueryClient } from '@/app/queryClient';
import { routes } from '@/app/routes';
import { makeBrokerUser, renderRoutes, signIn } from '@/test/render';
import { json, serve } from '@/test/server';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

describe('the broker’s workspace figures', () => {
  it('say what each counts', async () => {
    serve({
      'GET /api/v1/deals/dashboard': () => json({ scope: 'own', open_by_stage: [], open_total: 3, closed_this_year: { year: 2026, count: 1, amount: '100.00' }, my_share_amount: '50.00' }),
    });
    const queryClient = createQueryClient();
    signIn(queryClient, makeBrokerUser());
    renderRoutes(routes, { path: '/broker', queryClient });
    expect(await screen.findByText('2026 年已结项')).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /尚未结束的撮合项目/ })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /转为“已结项”的项目数/ })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /按您在各项目中的分成比例/ })).toBeInTheDocument();
  });
});
