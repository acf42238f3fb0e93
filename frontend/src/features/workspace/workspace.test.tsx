import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
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

describe('the broker’s payee account', () => {
  it('shows a recorded account without an open, empty form beneath it; the form opens on request', async () => {
    const user = userEvent.setup({ delay: null });
    serve({
      'GET /api/v1/payee-accounts/mine': () =>
        json({ account: '****0013', bank_name: '中国工商银行福州分行', broker_id: 13, broker_name: '陈思远', holder_name: '陈思远', note: null, status: 'verified', updated_at: '2026-12-01T00:00:00Z', verified_at: '2026-12-01T00:00:00Z' }),
    });
    const queryClient = createQueryClient();
    signIn(queryClient, makeBrokerUser());
    renderRoutes(routes, { path: '/broker', queryClient });
    const card = await screen.findByTestId('payee-card');
    expect(await within(card).findByText('中国工商银行福州分行')).toBeInTheDocument();
    expect(within(card).queryByTestId('payee-form')).not.toBeInTheDocument();
    await user.click(within(card).getByRole('button', { name: '变更收款账户' }));
    expect(within(card).getByTestId('payee-form')).toBeInTheDocument();
    expect(within(card).getByLabelText('户名')).toBeInTheDocument();
  });
});
