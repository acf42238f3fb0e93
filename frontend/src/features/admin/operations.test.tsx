import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import { createQueryClient } from '@/app/queryClient';
import { routes } from '@/app/routes';
import { FIELD_TREE, makeDealSummary, makeDemand } from '@/test/fixtures';
import { makeAdminUser, renderRoutes, signIn } from '@/test/render';
import { json, page, serve } from '@/test/server';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

function asAdmin() {
  const queryClient = createQueryClient();
  signIn(queryClient, makeAdminUser());
  return queryClient;
}

describe('administrators’ operations pages', () => {
  it('assigns a broker, by name, to a private demand nobody could match otherwise', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/demands': () => json(page([makeDemand({ visibility: 'private', assigned_broker_ids: [] })])),
      'GET /api/v1/brokers': () => json(page([])),
      'GET /api/v1/brokers/search': () => json([{ id: 12, display_name: '王五', agency_name: null, level: 'senior' }]),
      'POST /api/v1/demands/{id}/brokers': () => json(makeDemand({ visibility: 'private', assigned_broker_ids: [12] })),
      'GET /api/v1/fields': () => json(FIELD_TREE),
    });
    renderRoutes(routes, { path: '/admin/listings', queryClient: asAdmin() });
    expect(await screen.findByText('尚未指派经纪人，无人能撮合此需求')).toBeInTheDocument();
    await user.type(screen.getByRole('combobox', { name: '指派经纪人' }), '王');
    await user.click(await screen.findByText('王五 · 高级 · 独立经纪人'));
    await waitFor(() => {
      expect(api.calls('POST', '/api/v1/demands/101/brokers')).toHaveLength(1);
    });
    expect(await api.calls('POST', '/api/v1/demands/101/brokers')[0]!.json()).toEqual({ broker_id: 12 });
  });

  it('hides a listing with a reason', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/demands': () => json(page([makeDemand()])),
      'POST /api/v1/demands/{id}/hide': () => json(makeDemand({ hidden: true, hidden_reason: '广告' })),
      'GET /api/v1/fields': () => json(FIELD_TREE),
    });
    renderRoutes(routes, { path: '/admin/listings', queryClient: asAdmin() });
    await user.click(await screen.findByTestId('hide-demand-101'));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByRole('textbox'), '广告');
    await user.click(screen.getByTestId('hide-dialog-ok'));
    await waitFor(() => {
      expect(api.calls('POST', '/api/v1/demands/101/hide')).toHaveLength(1);
    });
    expect(await api.calls('POST', '/api/v1/demands/101/hide')[0]!.json()).toEqual({ reason: '广告' });
  });

  it('lists every deal with its stage in words', async () => {
    serve({ 'GET /api/v1/deals': () => json(page([makeDealSummary({ id: 77, stage: 'paid' })])) });
    renderRoutes(routes, { path: '/admin/deals', queryClient: asAdmin() });
    expect(await screen.findByRole('link', { name: '项目 77' })).toHaveAttribute('href', '/admin/deals/77');
    expect(screen.getAllByText('已到账').length).toBeGreaterThan(0);
  });
});

describe('recording a payout batch paid', () => {
  it('asks for the bank transfer’s reference under that name, not for a “reason”', async () => {
    const user = userEvent.setup({ delay: null });
    const batch = {
      id: 1, status: 'open', claim_count: 1, claim_ids: [4], total: '21000.00', note: null, created_at: '2026-12-07T15:39:00Z', created_by_id: 1,
      paid_at: null, paid_by_id: null, bank_reference: null, cancelled_at: null, cancelled_by_id: null,
    };
    const api = serve({
      'GET /api/v1/payouts': () => json(page([batch])),
      'POST /api/v1/payouts/{id}/pay': () => json({ ...batch, status: 'paid', paid_at: '2026-12-07T15:40:00Z', paid_by_id: 2, bank_reference: 'BOC-1' }),
    });
    renderRoutes(routes, { path: '/admin/payouts', queryClient: asAdmin() });
    await user.click(await screen.findByTestId('pay-batch-1'));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).queryByText('原因')).not.toBeInTheDocument();
    await user.type(within(dialog).getByRole('textbox', { name: '银行转账流水号' }), 'BOC-1');
    await user.click(screen.getByTestId('pay-batch-dialog-ok'));
    await waitFor(() => {
      expect(api.calls('POST', '/api/v1/payouts/1/pay')).toHaveLength(1);
    });
    expect(await api.calls('POST', '/api/v1/payouts/1/pay')[0]!.json()).toEqual({ bank_reference: 'BOC-1' });
  });
});
