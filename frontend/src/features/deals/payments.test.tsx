import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import type { Contract, Payment } from '@/api/types';
import { createQueryClient } from '@/app/queryClient';
import { routes } from '@/app/routes';
import { confirmedEvidence, makeDeal } from '@/test/fixtures';
import { makeBrokerUser, renderRoutes, signIn } from '@/test/render';
import { json, problem, serve } from '@/test/server';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

function payment(overrides: Partial<Payment> = {}): Payment {
  return {
    id: 81,
    paid_on: '2026-10-15',
    amount: '400000.00',
    bank_reference: 'ICBC-0001',
    invoice_reference: '发票：2026350100000123',
    counted: true,
    recorded_at: '2026-10-15T02:00:00Z',
    invoice_no: '35002611220012345678',
    payer_account: '6222020200112233445',
    payee_account: '6222020200998877665',
    evidence_file_id: 71,
    confirmed_amount: null,
    note: null,
    voided_at: null,
    void_reason: null,
    correctable: true,
    evidence: { version: 1, status: 'declared', required: ['buyer', 'seller'], answers: [], my_side: null, awaiting_me: false },
    ...overrides,
  };
}

function contract(payments: Payment[]): Contract {
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
    received_amount: '400000.00',
    uncounted_amount: '0.00',
    remaining_amount: '600000.00',
    payments,
    files: [],
    ...confirmedEvidence(),
  };
}

function open(payments: Payment[], routesMore: Parameters<typeof serve>[0] = {}) {
  const queryClient = createQueryClient();
  signIn(queryClient, makeBrokerUser());
  const api = serve({
    'GET /api/v1/deals/{id}': () => json(makeDeal({ stage: 'registered', allowed_next: ['paid', 'lost', 'cancelled'], contract: contract(payments) })),
    'GET /api/v1/deals/{id}/timeline': () => json([]),
    ...routesMore,
  });
  renderRoutes(routes, { path: '/broker/deals/501', queryClient });
  return api;
}

describe('correcting a payment on the deal page', () => {
  it('edits a payment the parties have not confirmed, sending only what changed', async () => {
    const user = userEvent.setup({ delay: null });
    const api = open([payment()], { 'PATCH /api/v1/deals/{id}/payments/{pid}': () => json(makeDeal({ stage: 'registered' })) });
    await user.click(await screen.findByRole('tab', { name: '到账' }));
    await user.click(await screen.findByTestId('correct-payment-81'));
    const form = await screen.findByTestId('correct-payment-form');
    const amount = within(form).getByLabelText('到账金额');
    await user.clear(amount);
    await user.type(amount, '390000.00');
    await user.type(within(form).getByLabelText('备注'), '按银行回单更正');
    await user.click(screen.getByTestId('correct-payment-ok'));
    await waitFor(() => {
      expect(api.calls('PATCH', '/api/v1/deals/501/payments/81')).toHaveLength(1);
    });
    expect(await api.calls('PATCH', '/api/v1/deals/501/payments/81')[0]!.json()).toEqual({ amount: '390000', note: '按银行回单更正' });
  });

  it('voids a payment with a reason, and shows the server’s refusal in the dialog', async () => {
    const user = userEvent.setup({ delay: null });
    let first = true;
    const api = open([payment()], {
      'POST /api/v1/deals/{id}/payments/{pid}/void': () => {
        if (first) {
          first = false;
          return problem(409, '该到账记录已经买卖双方确认、计入到账金额，不能修改或作废。This payment has been confirmed.', { reason: 'payment_counted' });
        }
        return json(makeDeal({ stage: 'registered' }));
      },
    });
    await user.click(await screen.findByRole('tab', { name: '到账' }));
    await user.click(await screen.findByTestId('void-payment-81'));
    const dialog = await screen.findByTestId('void-payment-dialog');
    await user.click(screen.getByTestId('void-payment-dialog-ok'));
    expect(await within(dialog).findByText('请填写原因')).toBeInTheDocument();
    await user.type(within(dialog).getByRole('textbox'), '重复登记');
    await user.click(screen.getByTestId('void-payment-dialog-ok'));
    expect(await screen.findByRole('alert')).toHaveTextContent('不能修改或作废');
    await user.click(screen.getByTestId('void-payment-dialog-ok'));
    await waitFor(() => {
      expect(api.calls('POST', '/api/v1/deals/501/payments/81/void')).toHaveLength(2);
    });
    expect(await api.calls('POST', '/api/v1/deals/501/payments/81/void')[1]!.json()).toEqual({ reason: '重复登记' });
  });

  it('disables both actions on a confirmed payment and says why', async () => {
    const user = userEvent.setup({ delay: null });
    open([payment({ correctable: false, confirmed_amount: '400000.00', evidence: { ...payment().evidence, status: 'confirmed' } })]);
    await user.click(await screen.findByRole('tab', { name: '到账' }));
    const edit = await screen.findByTestId('correct-payment-81');
    expect(edit).toBeDisabled();
    expect(screen.getByTestId('void-payment-81')).toBeDisabled();
    expect(edit.closest('[data-disabled-reason]')).toHaveAttribute('data-disabled-reason', expect.stringContaining('已经买卖双方确认'));
  });

  it('shows a voided payment struck through with its reason', async () => {
    const user = userEvent.setup({ delay: null });
    open([payment({ voided_at: '2026-10-16T02:00:00Z', void_reason: '重复登记', correctable: false })]);
    await user.click(await screen.findByRole('tab', { name: '到账' }));
    const voided = await screen.findByTestId('payment-voided-81');
    expect(within(voided).getByText('已作废')).toBeInTheDocument();
    expect(within(voided).getByText('作废理由：重复登记')).toBeInTheDocument();
    expect(screen.getByText('ICBC-0001').closest('del')).not.toBeNull();
    expect(screen.getByTestId('correct-payment-81').closest('[data-disabled-reason]')).toHaveAttribute('data-disabled-reason', '这笔到账已作废。');
  });
});
