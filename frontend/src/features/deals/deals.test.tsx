import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import type { Deal } from '@/api/types';
import { createQueryClient } from '@/app/queryClient';
import { routes } from '@/app/routes';
import { confirmedEvidence, makeDeal, makeDealSummary } from '@/test/fixtures';
import { makeBrokerUser, makeUser, renderRoutes, signIn } from '@/test/render';
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

describe('the broker’s deal board', () => {
  it('shows deals in stage columns and explains a refused move with the server’s 409', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/deals': () => json(page([makeDealSummary(), makeDealSummary({ id: 502, stage: 'registered', contract_amount: '1000000.00' })])),
      'POST /api/v1/deals/{id}/transitions': () =>
        problem(409, '双方都接受引荐后才能进入洽谈。Both parties must accept the introduction before negotiating.', { current_stage: 'introduced' }),
    });
    renderRoutes(routes, { path: '/broker/deals', queryClient: as(makeBrokerUser()) });

    const introduced = await screen.findByTestId('column-introduced');
    expect(within(introduced).getByTestId('deal-card-501')).toBeInTheDocument();
    expect(within(screen.getByTestId('column-registered')).getByText('1,000,000.00 元')).toBeInTheDocument();

    await user.click(screen.getByTestId('move-501-negotiating'));
    const card = screen.getByTestId('deal-card-501');
    expect(await within(card).findByRole('alert')).toHaveTextContent('双方都接受引荐后才能进入洽谈。');
    expect(await api.calls('POST', '/api/v1/deals/501/transitions')[0]!.json()).toEqual({ to_stage: 'negotiating', reason: null });
  });

  it('explains a drag to a column the pipeline does not allow without asking the server', async () => {
    const api = serve({ 'GET /api/v1/deals': () => json(page([makeDealSummary()])) });
    renderRoutes(routes, { path: '/broker/deals', queryClient: as(makeBrokerUser()) });
    const card = await screen.findByTestId('deal-card-501');
    const data = new Map<string, string>();
    const dataTransfer = { setData: (k: string, v: string) => data.set(k, v), getData: (k: string) => data.get(k) ?? '', effectAllowed: '' };
    fireEvent.dragStart(card, { dataTransfer });
    fireEvent.drop(screen.getByTestId('column-paid'), { dataTransfer });
    expect(await within(card).findByRole('alert')).toHaveTextContent('不能从“已引荐”直接转入“已到账”；当前可转入：洽谈中、已流失、已取消。');
    expect(api.calls('POST', '/api/v1/deals/501/transitions')).toHaveLength(0);
  });

  it('asks for a reason before ending a deal', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/deals': () => json(page([makeDealSummary()])),
      'POST /api/v1/deals/{id}/transitions': () => json(makeDeal({ stage: 'lost' })),
    });
    renderRoutes(routes, { path: '/broker/deals', queryClient: as(makeBrokerUser()) });
    await user.click(await screen.findByTestId('move-501-lost'));
    await user.click(await screen.findByTestId('end-deal-ok'));
    expect(await screen.findByText('请填写原因')).toBeInTheDocument();
    await user.type(screen.getByLabelText('原因'), '企业预算取消');
    await user.click(screen.getByTestId('end-deal-ok'));
    await waitFor(() => {
      expect(api.calls('POST', '/api/v1/deals/501/transitions')).toHaveLength(1);
    });
    expect(await api.calls('POST', '/api/v1/deals/501/transitions')[0]!.json()).toEqual({ to_stage: 'lost', reason: '企业预算取消' });
    // Ending a deal is not “advancing” it.
    expect(await screen.findByText('已标记为流失')).toBeInTheDocument();
    expect(screen.queryByText(/已推进到/)).not.toBeInTheDocument();
  });

  it('says a cancelled deal is cancelled, on the deal’s own page', async () => {
    const user = userEvent.setup({ delay: null });
    serve({
      'GET /api/v1/deals/{id}': () => json(makeDeal({ allowed_next: ['cancelled'] })),
      'POST /api/v1/deals/{id}/transitions': () => json(makeDeal({ stage: 'cancelled', allowed_next: [] })),
    });
    renderRoutes(routes, { path: '/broker/deals/501', queryClient: as(makeBrokerUser()) });
    await user.click(await screen.findByTestId('stage-cancelled'));
    await user.type(await screen.findByLabelText('原因'), '认领错了');
    await user.click(screen.getByRole('button', { name: '确认结束' }));
    expect(await screen.findByText('项目已取消')).toBeInTheDocument();
    expect(screen.queryByText(/已推进到/)).not.toBeInTheDocument();
  });
});

describe('a deal’s page', () => {
  it('keeps “negotiating” disabled, saying why, until both parties accepted the introduction', async () => {
    const pending = makeDeal({ allowed_next: ['negotiating', 'cancelled'] });
    serve({ 'GET /api/v1/deals/{id}': () => json(pending), 'GET /api/v1/deals/{id}/timeline': () => json([]) });
    const first = renderRoutes(routes, { path: '/broker/deals/501', queryClient: as(makeBrokerUser()) });
    const waiting = await screen.findByTestId('stage-negotiating');
    expect(waiting).toBeDisabled();
    expect(waiting.closest('[data-disabled-reason]')).toHaveAttribute('data-disabled-reason', '需求方与成果方都接受引荐后才能进入洽谈。');
    first.unmount();

    const accepted = { ...pending, demand: { ...pending.demand, acceptance: 'accepted' as const }, achievement: { ...pending.achievement, acceptance: 'accepted' as const } };
    serve({ 'GET /api/v1/deals/{id}': () => json(accepted), 'GET /api/v1/deals/{id}/timeline': () => json([]) });
    renderRoutes(routes, { path: '/broker/deals/501', queryClient: as(makeBrokerUser()) });
    expect(await screen.findByTestId('stage-negotiating')).toBeEnabled();
  });

  it('lets a party accept the introduction', async () => {
    const user = userEvent.setup({ delay: null });
    let deal: Deal = makeDeal({ relation: 'demand_party', allowed_next: [] });
    const api = serve({
      'GET /api/v1/deals/{id}': () => json(deal),
      'GET /api/v1/deals/{id}/timeline': () => json([]),
      'POST /api/v1/deals/{id}/accept': () => {
        deal = { ...deal, demand: { ...deal.demand, acceptance: 'accepted' } };
        return json(deal);
      },
    });
    renderRoutes(routes, { path: '/firm/deals/501', queryClient: as(makeUser()) });

    await user.click(await screen.findByTestId('accept-introduction-501'));
    expect(await screen.findByText('贵单位已接受此引荐。')).toBeInTheDocument();
    expect(api.calls('POST', '/api/v1/deals/501/accept')).toHaveLength(1);
    expect(screen.queryByTestId('contract-form')).not.toBeInTheDocument();
  });

  it('lets the firm accept a broker’s request on its anonymous demand', async () => {
    const user = userEvent.setup({ delay: null });
    let deal: Deal = makeDeal({ relation: 'demand_party', stage: 'requested', allowed_next: [] });
    const api = serve({
      'GET /api/v1/deals/{id}': () => json(deal),
      'GET /api/v1/deals/{id}/timeline': () => json([]),
      'POST /api/v1/deals/{id}/accept': () => {
        deal = { ...deal, stage: 'introduced', demand: { ...deal.demand, acceptance: 'accepted' } };
        return json(deal);
      },
    });
    renderRoutes(routes, { path: '/firm/deals/501', queryClient: as(makeUser()) });

    expect(await screen.findByTestId('request-explain-501')).toHaveTextContent('同意前，经纪人看不到贵单位名称和联系方式');
    await user.click(screen.getByRole('button', { name: '同意撮合请求' }));
    expect(await screen.findByText('贵单位已接受此引荐。')).toBeInTheDocument();
    expect(api.calls('POST', '/api/v1/deals/501/accept')).toHaveLength(1);
  });

  it('lets the lead broker record the contract, its parties chosen from the deal', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/deals/{id}': () => json(makeDeal({ stage: 'negotiating', allowed_next: ['signed', 'lost', 'cancelled'], both_accepted: true })),
      'GET /api/v1/deals/{id}/timeline': () => json([]),
      'PUT /api/v1/deals/{id}/contract': () => problem(422, '签订日期不能晚于今天。', { errors: [{ field: 'body.signed_on', message: '签订日期不能晚于今天。' }] }),
    });
    renderRoutes(routes, { path: '/broker/deals/501', queryClient: as(makeBrokerUser()) });

    const form = await screen.findByTestId('contract-form');
    await user.type(within(form).getByLabelText('合同名称'), '焊缝识别技术开发合同');
    await user.type(within(form).getByLabelText('合同金额'), '1000000');
    const date = within(form).getByLabelText('签订日期');
    await user.click(date);
    await user.type(date, '2026-10-01{Enter}');
    await user.click(within(form).getByTestId('contract-submit'));

    expect(await within(form).findByText('签订日期不能晚于今天。')).toBeInTheDocument();
    expect(await api.calls('PUT', '/api/v1/deals/501/contract')[0]!.json()).toEqual({
      name: '焊缝识别技术开发合同',
      type: 'development',
      amount: '1000000',
      signed_on: '2026-10-01',
      buyer_org_id: 10,
      seller_org_id: 20,
    });
  });

  it('does not register the contract when Enter is pressed in the date before the amount is filled in', async () => {
    const user = userEvent.setup({ delay: null });
    const contract = {
      id: 61,
      name: '焊缝识别技术开发合同',
      type: 'development' as const,
      amount: '1000000.00',
      technology_amount: null,
      signed_on: '2026-10-01',
      buyer_org_id: 10,
      seller_org_id: 20,
      registration_no: null,
      registered_on: null,
      received_amount: '0.00',
      uncounted_amount: '0.00',
      remaining_amount: '1000000.00',
      payments: [],
      files: [],
      ...confirmedEvidence(),
    };
    const api = serve({
      'GET /api/v1/deals/{id}': () => json(makeDeal({ stage: 'signed', allowed_next: ['registered', 'lost', 'cancelled'], both_accepted: true, contract })),
      'GET /api/v1/deals/{id}/timeline': () => json([]),
      'POST /api/v1/deals/{id}/contract/registration': () => json(makeDeal({ stage: 'registered' })),
    });
    renderRoutes(routes, { path: '/broker/deals/501', queryClient: as(makeBrokerUser()) });

    const form = await screen.findByTestId('registration-form');
    // The technology amount is the broker's to state, not silently the contract amount.
    expect(within(form).getByLabelText('技术交易额')).toHaveValue('');
    await user.type(within(form).getByLabelText('技术合同登记号'), '2026350100000123');
    const date = within(form).getByLabelText('登记日期');
    await user.click(date);
    await user.type(date, '2026-10-10{Enter}');
    // Enter in the date only confirms the date.
    expect(within(form).queryByText('请填写技术交易额')).not.toBeInTheDocument();
    // Enter in another field submits, which checks every field first and names what is missing.
    await user.type(within(form).getByLabelText('技术合同登记号'), '{Enter}');
    expect(await within(form).findByText('请填写技术交易额')).toBeInTheDocument();
    expect(await screen.findByText('还有必填项未填写：技术交易额')).toBeInTheDocument();
    expect(api.calls('POST', '/api/v1/deals/501/contract/registration')).toHaveLength(0);

    await user.click(within(form).getByTestId('technology-amount-use-contract'));
    await user.click(within(form).getByTestId('registration-submit'));
    await waitFor(() => {
      expect(api.calls('POST', '/api/v1/deals/501/contract/registration')).toHaveLength(1);
    });
    expect(await api.calls('POST', '/api/v1/deals/501/contract/registration')[0]!.json()).toEqual({
      registration_no: '2026350100000123',
      registered_on: '2026-10-10',
      technology_amount: '1000000.00',
    });
  });

  it('records a payment against a signed contract', async () => {
    const user = userEvent.setup({ delay: null });
    const contract = {
      id: 61,
      name: '焊缝识别技术开发合同',
      type: 'development' as const,
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
      files: [{ id: 71, filename: '银行回单.pdf', content_type: 'application/pdf', size: 2048, sha256: 'a'.repeat(64), uploaded_at: '2026-10-12T02:00:00Z' }],
      ...confirmedEvidence(),
    };
    const api = serve({
      'GET /api/v1/deals/{id}': () => json(makeDeal({ stage: 'registered', allowed_next: ['paid', 'lost', 'cancelled'], contract })),
      'GET /api/v1/deals/{id}/timeline': () => json([]),
      'POST /api/v1/deals/{id}/payments': () => json(makeDeal({ stage: 'paid' }), 201),
    });
    renderRoutes(routes, { path: '/broker/deals/501', queryClient: as(makeBrokerUser()) });

    await user.click(await screen.findByRole('tab', { name: '到账' }));
    const form = await screen.findByTestId('payment-form');
    expect(within(form).getByLabelText('到账金额')).toHaveValue('1000000.00');
    await user.type(within(form).getByLabelText('银行流水号'), 'BANK-001');
    await user.type(within(form).getByLabelText('发票信息'), '发票：2026350100000123');
    await user.type(within(form).getByLabelText('发票号码'), '35002611220012345678');
    await user.type(within(form).getByLabelText('付款账号'), '6222020200112233445');
    await user.type(within(form).getByLabelText('收款账号'), '6222020200998877665');
    await user.click(within(form).getByTestId('payment-submit'));
    await waitFor(() => {
      expect(api.calls('POST', '/api/v1/deals/501/payments')).toHaveLength(1);
    });
    expect(await api.calls('POST', '/api/v1/deals/501/payments')[0]!.json()).toMatchObject({
      amount: '1000000.00',
      bank_reference: 'BANK-001',
      invoice_reference: '发票：2026350100000123',
      invoice_no: '35002611220012345678',
      payer_account: '6222020200112233445',
      payee_account: '6222020200998877665',
      evidence_file_id: 71, // the receipt uploaded last, offered by default
    });
  });
});
