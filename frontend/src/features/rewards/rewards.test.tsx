import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import type { Claim } from '@/api/types';
import { createQueryClient } from '@/app/queryClient';
import { routes } from '@/app/routes';
import { confirmedEvidence, makeClaim, makeDeal, makeDealSummary, makeFlag } from '@/test/fixtures';
import { makeAdminUser, makeBrokerUser, renderRoutes, signIn } from '@/test/render';
import { json, page, problem, serve } from '@/test/server';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

function as(user: Parameters<typeof signIn>[1]) {
  const queryClient = createQueryClient();
  signIn(queryClient, user);
  return queryClient;
}

describe('reviewing a claim', () => {
  it('shows the flags and their evidence beside the claim, and confirms fraud with a reason', async () => {
    const user = userEvent.setup({ delay: null });
    let claim: Claim = makeClaim();
    const api = serve({
      'GET /api/v1/claims/{id}': () => json(claim),
      'POST /api/v1/integrity/flags/{id}/confirm': () => {
        claim = { ...claim, status: 'clawed_back', flags: [makeFlag({ status: 'confirmed', review_reason: '法定代表人为同一人' })] };
        return json({ flag: makeFlag({ status: 'confirmed' }), claw_back_id: 1, listings: [] });
      },
    });
    renderRoutes(routes, { path: '/admin/claims/41', queryClient: as(makeAdminUser()) });

    const flags = await screen.findByTestId('claim-flags');
    const flag = within(flags).getByTestId('flag-related_party');
    expect(within(flag).getByText('买卖双方的法定代表人为同一人')).toBeInTheDocument();
    expect(within(flag).getByText('严重')).toBeInTheDocument();
    const evidence = within(within(flag).getByTestId('flag-evidence'));
    expect(evidence.getByText('法定代表人')).toBeInTheDocument(); // the code, in words
    expect(evidence.getByText('买方、卖方')).toBeInTheDocument();
    expect(evidence.getByText('关联项')).toBeInTheDocument();
    expect(within(flag).getByText('规则：关联交易')).toBeInTheDocument();
    expect(screen.getByTestId('claim-amount')).toHaveTextContent('15,000.00 元');
    expect(screen.getByText('技术开发')).toBeInTheDocument(); // the contract type, translated

    await user.click(within(flag).getByTestId('flag-confirm-31'));
    await user.click(within(flag).getByTestId('confirm-fraud-31'));
    expect(await within(flag).findByText('请填写理由（至少 2 个字）')).toBeInTheDocument();
    await user.type(within(flag).getByLabelText('原因'), '买卖双方法定代表人为同一人，属关联交易');
    await user.click(within(flag).getByLabelText('买方'));
    await user.click(within(flag).getByTestId('confirm-fraud-31'));

    await waitFor(() => {
      expect(api.calls('POST', '/api/v1/integrity/flags/31/confirm')).toHaveLength(1);
    });
    expect(await api.calls('POST', '/api/v1/integrity/flags/31/confirm')[0]!.json()).toEqual({
      reason: '买卖双方法定代表人为同一人，属关联交易',
      colluding: ['buyer'],
      colluding_broker_ids: [],
    });
    expect(await screen.findByText('已追回')).toBeInTheDocument();
  });

  it('disables approval while flags are open, saying why', async () => {
    serve({ 'GET /api/v1/claims/{id}': () => json(makeClaim({ status: 'under_review' })) });
    renderRoutes(routes, { path: '/admin/claims/41', queryClient: as(makeAdminUser()) });
    expect(await screen.findByTestId('claim-approve')).toBeDisabled();
    expect(screen.getByLabelText('还有 1 条风险提示未处理：请先逐条排除或确认')).toBeInTheDocument();
  });

  it('asks before approving, and shows why the server refused', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/claims/{id}': () => json(makeClaim({ status: 'under_review', flags: [] })),
      'POST /api/v1/claims/{id}/approve': () => problem(409, '已超过年度奖补上限。The yearly cap is reached.'),
    });
    renderRoutes(routes, { path: '/admin/claims/41', queryClient: as(makeAdminUser()) });
    await user.click(await screen.findByTestId('claim-approve'));
    expect(api.calls('POST', '/api/v1/claims/41/approve')).toHaveLength(0);
    await user.click(await screen.findByTestId('claim-approve-confirm'));
    expect(await screen.findByText('已超过年度奖补上限。')).toBeInTheDocument();
  });

  it('keeps the approver from paying, saying why (four eyes)', async () => {
    serve({ 'GET /api/v1/claims/{id}': () => json(makeClaim({ status: 'approved', flags: [], approved_by_id: 1000 })) });
    renderRoutes(routes, { path: '/admin/claims/41', queryClient: as(makeAdminUser()) });
    expect(await screen.findByTestId('claim-pay')).toBeDisabled();
    expect(screen.getByLabelText('批准该申报的管理员不能再登记发放：须由另一名管理员办理（双人复核）')).toBeInTheDocument();
  });

  it('pays an approved claim with the payment reference', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/claims/{id}': () => json(makeClaim({ status: 'approved', flags: [] })),
      'POST /api/v1/claims/{id}/pay': () => json(makeClaim({ status: 'paid', flags: [] })),
    });
    renderRoutes(routes, { path: '/admin/claims/41', queryClient: as(makeAdminUser()) });
    await user.click(await screen.findByTestId('claim-pay'));
    await user.type(screen.getByLabelText('付款凭证号'), 'PAY-2026-001');
    await user.click(screen.getByTestId('claim-pay-submit'));
    expect(api.calls('POST', '/api/v1/claims/41/pay')).toHaveLength(0);
    await user.click(await screen.findByTestId('claim-pay-confirm'));
    await waitFor(() => {
      expect(api.calls('POST', '/api/v1/claims/41/pay')).toHaveLength(1);
    });
    expect(await api.calls('POST', '/api/v1/claims/41/pay')[0]!.json()).toEqual({ payment_reference: 'PAY-2026-001' });
  });
});

describe('a broker’s claim', () => {
  it('previews the reward for the chosen deal and submits the claim', async () => {
    const user = userEvent.setup({ delay: null });
    const contract = {
      id: 61,
      name: '焊缝识别技术开发合同',
      type: 'development' as const,
      amount: '3000000.00',
      technology_amount: '3000000.00',
      signed_on: '2026-10-01',
      buyer_org_id: 10,
      seller_org_id: 20,
      registration_no: '2026350100000123',
      registered_on: '2026-10-10',
      received_amount: '3000000.00',
      uncounted_amount: '0.00',
      remaining_amount: '0.00',
      payments: [],
      files: [],
      ...confirmedEvidence(),
    };
    const breakdown = { ...makeClaim().breakdown, base: '3000000.00', deal_reward: '35000.00', share_amount: '35000.00', amount: '35000.00' };
    const api = serve({
      'GET /api/v1/deals': () => json(page([makeDealSummary({ stage: 'paid' })])),
      'GET /api/v1/deals/{id}': () => json(makeDeal({ stage: 'paid', contract })),
      'POST /api/v1/reward-policies/preview': () => json(breakdown),
      'POST /api/v1/claims': () => json({ claim: makeClaim({ id: 42, status: 'submitted', flags: null }), created: true }, 201),
      'GET /api/v1/claims/{id}': () => json(makeClaim({ id: 42, status: 'submitted', flags: null })),
    });
    const { router } = renderRoutes(routes, { path: '/broker/claims/new?deal=501', queryClient: as(makeBrokerUser()) });

    expect(await screen.findByTestId('claim-amount')).toHaveTextContent('35,000.00 元');
    expect(await api.calls('POST', '/api/v1/reward-policies/preview')[0]!.json()).toEqual({
      signed_on: '2026-10-01',
      region: '福州市',
      contract_amount: '3000000.00',
      technology_amount: '3000000.00',
      received_amount: '3000000.00',
      share: '100.00',
    });
    await user.click(screen.getByTestId('claim-submit'));
    expect(api.calls('POST', '/api/v1/claims')).toHaveLength(0);
    await user.click(await screen.findByTestId('claim-submit-confirm'));
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/broker/claims/42');
    });
    expect(await api.calls('POST', '/api/v1/claims')[0]!.json()).toEqual({ deal_id: 501, side: null });
  });
});

describe('the policy editor’s live calculator', () => {
  const policy = {
    id: 1,
    key: 'default',
    version: 1,
    name: '默认政策',
    region: null,
    base: 'contract_amount' as const,
    brackets: [
      { upper: '1000000.00', rate: '0.015000' },
      { upper: null, rate: '0.010000' },
    ],
    cap_per_claim: null,
    cap_per_broker_year: null,
    effective_from: '2026-01-01',
    effective_until: null,
    claim_window_days: 365,
    note: null,
    created_by_id: 1000,
    created_at: '2026-01-01T00:00:00Z',
    superseded_at: null,
    superseded_by_id: null,
  };

  it('recomputes as the contract and the brackets change, and saves a new version', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/reward-policies': () => json([policy]),
      'GET /api/v1/reward-policies/{id}/versions': () => json([policy]),
      'PUT /api/v1/reward-policies/{id}': () => json({ ...policy, id: 2, version: 2 }),
    });
    renderRoutes(routes, { path: '/admin/policies', queryClient: as(makeAdminUser()) });

    const calculator = await screen.findByTestId('reward-calculator');
    expect(within(calculator).getByTestId('calculator-amount')).toHaveTextContent('15,000.00 元');

    const contract = within(calculator).getByLabelText('合同金额');
    await user.clear(contract);
    await user.type(contract, '3000000');
    await waitFor(() => {
      expect(within(calculator).getByTestId('calculator-amount')).toHaveTextContent('35,000.00 元');
    });

    const rate = screen.getByLabelText('第 1 段比例');
    await user.clear(rate);
    await user.type(rate, '2');
    await waitFor(() => {
      expect(within(calculator).getByTestId('calculator-amount')).toHaveTextContent('40,000.00 元'); // 20,000 + 20,000
    });

    await user.click(screen.getByTestId('policy-save'));
    await waitFor(() => {
      expect(api.calls('PUT', '/api/v1/reward-policies/1')).toHaveLength(1);
    });
    expect(await api.calls('PUT', '/api/v1/reward-policies/1')[0]!.json()).toMatchObject({
      name: '默认政策',
      base: 'contract_amount',
      brackets: [
        { upper: '1000000.00', rate: '0.02' },
        { upper: null, rate: '0.01' },
      ],
    });
  });
});

describe('a broker’s claim on a contract the registry has not matched', () => {
  const contract = (registry_status: 'unchecked' | 'mismatch') => ({
    id: 61, name: '焊缝识别技术开发合同', type: 'development' as const, amount: '3000000.00', technology_amount: '3000000.00',
    signed_on: '2026-10-01', buyer_org_id: 10, seller_org_id: 20, registration_no: '2026350100000123', registered_on: '2026-10-10',
    received_amount: '3000000.00', uncounted_amount: '0.00', remaining_amount: '0.00', payments: [], files: [],
    ...confirmedEvidence(), registry_status, registry_issues: registry_status === 'mismatch' ? ['amount'] : [],
  });
  const world = (registry_status: 'unchecked' | 'mismatch') =>
    serve({
      'GET /api/v1/deals': () => json(page([makeDealSummary({ stage: 'paid' })])),
      'GET /api/v1/deals/{id}': () => json(makeDeal({ stage: 'paid', contract: contract(registry_status) })),
      'POST /api/v1/reward-policies/preview': () => json(makeClaim().breakdown),
    });

  it('says before anything is filled in that the registry check is still to come', async () => {
    world('unchecked');
    renderRoutes(routes, { path: '/broker/claims/new?deal=501', queryClient: as(makeBrokerUser()) });
    expect(await screen.findByTestId('claim-registry')).toHaveTextContent('尚未与技术合同登记机构的登记数据核对');
  });

  it('does not offer to submit a contract the registry contradicts', async () => {
    world('mismatch');
    renderRoutes(routes, { path: '/broker/claims/new?deal=501', queryClient: as(makeBrokerUser()) });
    expect(await screen.findByTestId('claim-registry')).toHaveTextContent('与登记数据不符');
    expect(screen.getByTestId('claim-submit')).toBeDisabled();
  });
});
