import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import type { Contract } from '@/api/types';
import { createQueryClient } from '@/app/queryClient';
import { routes } from '@/app/routes';
import { confirmedEvidence, makeClaim, makeDeal } from '@/test/fixtures';
import { makeAdminUser, makeUser, renderRoutes, signIn } from '@/test/render';
import { json, page, serve } from '@/test/server';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

function as(user: Parameters<typeof signIn>[1]) {
  const queryClient = createQueryClient();
  signIn(queryClient, user);
  return queryClient;
}

function declaredContract(): Contract {
  return {
    id: 61,
    name: '焊缝识别技术开发合同',
    type: 'development',
    amount: '1000000.00',
    technology_amount: '1000000.00',
    signed_on: '2026-10-01',
    buyer_org_id: 10,
    seller_org_id: 20,
    registration_no: '2026350100000123',
    registered_on: '2026-10-10',
    received_amount: '0.00',
    uncounted_amount: '0.00',
    remaining_amount: '1000000.00',
    payments: [],
    files: [],
    ...confirmedEvidence(),
    evidence: {
      version: 2,
      status: 'declared',
      required: ['buyer', 'seller'],
      answers: [{ side: 'seller', confirmed: true, reason: null, at: '2026-10-11T02:00:00Z' }],
      my_side: 'buyer',
      awaiting_me: true,
    },
    confirmed_amount: null,
    confirmed_version: null,
    registry_status: 'unchecked',
  };
}

describe('evidence before money, for the parties', () => {
  it('a party confirms the contract version it was shown', async () => {
    const user = userEvent.setup({ delay: null });
    const deal = makeDeal({ relation: 'demand_party', stage: 'registered', allowed_next: [], contract: declaredContract() });
    const api = serve({
      'GET /api/v1/deals/{id}': () => json(deal),
      'GET /api/v1/deals/{id}/timeline': () => json([]),
      'POST /api/v1/deals/{id}/contract/confirm': () => json(makeDeal({ relation: 'demand_party', stage: 'registered', contract: { ...declaredContract(), ...confirmedEvidence() } })),
    });
    renderRoutes(routes, { path: '/firm/deals/501', queryClient: as(makeUser()) });

    const panel = await screen.findByTestId('contract-evidence');
    expect(within(panel).getByTestId('contract-evidence-status')).toHaveTextContent('待确认');
    expect(within(panel).getByText('卖方：已确认')).toBeInTheDocument();
    expect(screen.getByTestId('registry-status')).toHaveTextContent('尚未核验');
    await user.click(within(panel).getByTestId('confirm-contract'));
    await waitFor(() => {
      expect(api.calls('POST', '/api/v1/deals/501/contract/confirm')).toHaveLength(1);
    });
    expect(await api.calls('POST', '/api/v1/deals/501/contract/confirm')[0]!.json()).toEqual({ version: 2 });
  });

  it('a dispute asks for the reason and sends it', async () => {
    const user = userEvent.setup({ delay: null });
    const deal = makeDeal({ relation: 'demand_party', stage: 'registered', allowed_next: [], contract: declaredContract() });
    const api = serve({
      'GET /api/v1/deals/{id}': () => json(deal),
      'GET /api/v1/deals/{id}/timeline': () => json([]),
      'POST /api/v1/deals/{id}/contract/dispute': () => json(deal),
    });
    renderRoutes(routes, { path: '/firm/deals/501', queryClient: as(makeUser()) });

    await user.click(await screen.findByTestId('dispute-contract'));
    const dialog = await screen.findByTestId('dispute-dialog-contract');
    await user.type(within(dialog).getByLabelText('原因'), '合同金额应为80万元');
    await user.click(screen.getByTestId('dispute-dialog-contract-ok'));
    await waitFor(() => {
      expect(api.calls('POST', '/api/v1/deals/501/contract/dispute')).toHaveLength(1);
    });
    expect(await api.calls('POST', '/api/v1/deals/501/contract/dispute')[0]!.json()).toEqual({ version: 2, reason: '合同金额应为80万元' });
  });

  it('the workspace shows a badge with what awaits confirmation, linking to each deal', async () => {
    serve({
      'GET /api/v1/deals/confirmations': () =>
        json({
          count: 2,
          items: [
            { deal_id: 501, kind: 'contract', item_id: 61, version: 2, side: 'buyer', amount: '1000000.00', declared_at: '2026-10-10T02:00:00Z' },
            { deal_id: 501, kind: 'payment', item_id: 81, version: 1, side: 'buyer', amount: '250000.00', declared_at: '2026-10-12T02:00:00Z' },
          ],
        }),
    });
    renderRoutes(routes, { path: '/firm', queryClient: as(makeUser()) });

    const card = await screen.findByTestId('awaiting-confirmation');
    await waitFor(() => {
      expect(within(card).getByTestId('awaiting-badge')).toHaveAttribute('data-count', '2');
    });
    expect(within(card).getByTestId('awaiting-payment-81')).toHaveAttribute('href', '/firm/deals/501');
  });
});

describe('the registry page', () => {
  it('imports the office’s export and names each mismatch', async () => {
    const user = userEvent.setup({ delay: null });
    const mismatch = {
      contract_id: 61,
      deal_id: 501,
      name: '焊缝识别技术开发合同',
      registration_no: '2026350100000123',
      type: 'development' as const,
      amount: '1000000.00',
      registered_on: '2026-10-10',
      buyer_credit_code: '91350100MA2XXXXX0A',
      seller_credit_code: '12350000488000000X',
      registry_status: 'mismatch' as const,
      registry_issues: ['amount'],
      record: {
        registration_no: '2026350100000123',
        buyer_credit_code: '91350100MA2XXXXX0A',
        seller_credit_code: '12350000488000000X',
        contract_type: 'development' as const,
        amount: '800000.00',
        registered_on: '2026-10-10',
        cancelled: false,
      },
    };
    const api = serve({
      'GET /api/v1/registry/contracts': () => json(page([])),
      'GET /api/v1/payee-accounts': () => json(page([])),
      'POST /api/v1/registry/imports': () =>
        json(
          {
            registry_import: { id: 1, filename: '登记.csv', sha256: 'b'.repeat(64), rows: 2, matched: 1, mismatched: 1, uploaded_by_id: 1000, uploaded_at: '2026-12-06T02:00:00Z' },
            matched: 1,
            mismatched: [mismatch],
          },
          201,
        ),
    });
    renderRoutes(routes, { path: '/admin/registry', queryClient: as(makeAdminUser()) });

    await screen.findByTestId('registry-upload-card');
    const input = document.querySelector<HTMLInputElement>('[data-testid="registry-upload-card"] input[type=file]');
    expect(input).not.toBeNull();
    await user.upload(input!, new File(['登记号\n'], '登记.csv', { type: 'text/csv' }));
    const result = await screen.findByTestId('registry-result');
    expect(within(result).getByText('共 2 行：1 份合同核对一致，1 份不符或已撤销。')).toBeInTheDocument();
    expect(within(result).getByText('与登记数据不符：成交金额')).toBeInTheDocument();
    expect(api.calls('POST', '/api/v1/registry/imports')).toHaveLength(1);
  });
});

describe('claw-backs raised by a re-computation', () => {
  it('an administrator reviews one: due, with a note', async () => {
    const user = userEvent.setup({ delay: null });
    const back = {
      id: 91,
      kind: 'recompute' as const,
      amount: '4500.00',
      to_recover: '4500.00',
      status: 'pending_review' as const,
      reason: '撤销：已支付4500.00元，现应得0.00元。',
      decided_at: '2026-12-01T02:00:00Z',
    };
    const api = serve({
      'GET /api/v1/claims/{id}': () => json(makeClaim({ status: 'paid', flags: [], claw_back: back, claw_backs: [back] })),
      'POST /api/v1/clawbacks/{id}/review': () => json({}),
    });
    renderRoutes(routes, { path: '/admin/claims/41', queryClient: as(makeAdminUser()) });

    const list = await screen.findByTestId('claw-backs');
    expect(within(list).getByText('重新核算，追回多付部分')).toBeInTheDocument();
    await user.click(within(list).getByTestId('clawback-due-91'));
    const dialog = await screen.findByTestId('clawback-review');
    await user.type(within(dialog).getByLabelText('原因'), '项目已取消，应退回');
    await user.click(screen.getByTestId('clawback-review-ok'));
    await waitFor(() => {
      expect(api.calls('POST', '/api/v1/clawbacks/91/review')).toHaveLength(1);
    });
    expect(await api.calls('POST', '/api/v1/clawbacks/91/review')[0]!.json()).toEqual({ decision: 'due', note: '项目已取消，应退回' });
  });

  it('an administrator records the repayment of a claw-back that is due, with its bank reference', async () => {
    const user = userEvent.setup({ delay: null });
    const back = {
      id: 92,
      kind: 'recompute' as const,
      amount: '4500.00',
      to_recover: '4500.00',
      status: 'due' as const,
      reason: '撤销：已支付4500.00元，现应得0.00元。',
      decided_at: '2026-12-01T02:00:00Z',
    };
    const api = serve({
      'GET /api/v1/claims/{id}': () => json(makeClaim({ status: 'paid', flags: [], claw_back: back, claw_backs: [back] })),
      'POST /api/v1/clawbacks/{id}/recovered': () => json({}),
    });
    renderRoutes(routes, { path: '/admin/claims/41', queryClient: as(makeAdminUser()) });

    const list = await screen.findByTestId('claw-backs');
    expect(within(list).queryByTestId('clawback-due-92')).not.toBeInTheDocument();
    await user.click(within(list).getByTestId('clawback-recovered-92'));
    const dialog = await screen.findByTestId('clawback-recovery');
    await user.type(within(dialog).getByLabelText('退款流水号或凭证号'), 'TK20261201-7');
    await user.click(screen.getByTestId('clawback-recovery-ok'));
    await waitFor(() => {
      expect(api.calls('POST', '/api/v1/clawbacks/92/recovered')).toHaveLength(1);
    });
    expect(await api.calls('POST', '/api/v1/clawbacks/92/recovered')[0]!.json()).toEqual({ recovery_reference: 'TK20261201-7' });
  });
});
