import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import { createQueryClient } from '@/app/queryClient';
import { routes } from '@/app/routes';
import { makeAdminUser, renderRoutes, signIn } from '@/test/render';
import { json, page, serve } from '@/test/server';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

function admin() {
  const queryClient = createQueryClient();
  signIn(queryClient, makeAdminUser());
  return queryClient;
}

describe('the verification queue', () => {
  it('lists pending organisations and approves one; a rejection needs a note', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/organisations': () => json(page([{ id: 10, name: '福州示例科技有限公司', kind: 'firm', region: '福州市', verification_status: 'pending' }])),
      'GET /api/v1/brokers': () => json(page([])),
      'POST /api/v1/organisations/{id}/verification': () => json({}),
    });
    renderRoutes(routes, { path: '/admin/verifications', queryClient: admin() });

    await user.click(await screen.findByTestId('verify-approve-organisation-10'));
    // Nothing happens until the administrator confirms, in a question naming the organisation.
    expect(await screen.findByText('确认通过 福州示例科技有限公司 的认证？')).toBeInTheDocument();
    expect(api.calls('POST', '/api/v1/organisations/10/verification')).toHaveLength(0);
    await user.click(screen.getByTestId('verify-approve-confirm-organisation-10'));
    await waitFor(() => {
      expect(api.calls('POST', '/api/v1/organisations/10/verification')).toHaveLength(1);
    });
    expect(await api.calls('POST', '/api/v1/organisations/10/verification')[0]!.json()).toEqual({ status: 'verified' });
    expect(new URL(api.calls('GET', '/api/v1/organisations')[0]!.url).searchParams.get('status')).toBe('pending');

    await user.click(screen.getByTestId('verify-reject-organisation-10'));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('原因'), '信用代码与营业执照不符');
    await user.click(within(dialog).getByRole('button', { name: '驳 回' }));
    await waitFor(() => {
      expect(api.calls('POST', '/api/v1/organisations/10/verification')).toHaveLength(2);
    });
    expect(await api.calls('POST', '/api/v1/organisations/10/verification')[1]!.json()).toEqual({ status: 'rejected', note: '信用代码与营业执照不符' });
  });

  it('answers a request to join from the administrators’ queue', async () => {
    const user = userEvent.setup({ delay: null });
    const request = {
      id: 9, organisation_id: 30, organisation_name: '海峡技术转移中心有限公司', user_id: 44, username: 'joiner1', display_name: '陈经纪',
      email: null, role: 'broker', broker_level: 'junior', broker_certificate_no: 'FJ-2026-0009', status: 'pending',
      created_at: '2026-12-06T02:00:00Z', decided_at: null, note: null,
    };
    const api = serve({
      'GET /api/v1/organisations': () => json(page([])),
      'GET /api/v1/brokers': () => json(page([])),
      'GET /api/v1/join-requests': () => json([request]),
      'POST /api/v1/organisations/{id}/join-requests/{rid}/approve': () => json({ ...request, status: 'approved' }),
    });
    renderRoutes(routes, { path: '/admin/verifications', queryClient: admin() });

    await user.click(await screen.findByRole('tab', { name: '加入机构申请' }));
    expect(await screen.findByTestId('join-request-9')).toHaveTextContent('海峡技术转移中心有限公司');
    await user.click(screen.getByTestId('approve-join-9'));
    await waitFor(() => {
      expect(api.calls('POST', '/api/v1/organisations/30/join-requests/9/approve')).toHaveLength(1);
    });
  });
});

describe('an organisation’s people', () => {
  it('shows resident ID numbers masked, and in full only on an audited request', async () => {
    const user = userEvent.setup({ delay: null });
    const organisation = {
      id: 10, name: '福州示例科技有限公司', kind: 'firm', region: '福州市', verification_status: 'pending', credit_code: '91350100MA2XXXXXXX',
      legal_representative: '张三', legal_representative_id: '350102********1234', registered_address: '福州市鼓楼区', phone: '0591-88888888',
      email_domain: 'example.cn', bank_name: null, bank_account: null, shareholders: [], officers: [], verification_note: null, verified_at: null,
      created_at: '2026-11-20T02:00:00Z',
    };
    const api = serve({
      'GET /api/v1/organisations': () => json(page([{ id: 10, name: '福州示例科技有限公司', kind: 'firm', region: '福州市', verification_status: 'pending' }])),
      'GET /api/v1/brokers': () => json(page([])),
      'GET /api/v1/organisations/{id}': () => json(organisation),
      'POST /api/v1/organisations/{id}/identity': () => json({ organisation_id: 10, people: [{ role: 'legal_representative', name: '张三', id_number: '350102199001011234' }] }),
    });
    renderRoutes(routes, { path: '/admin/verifications', queryClient: admin() });
    await user.click(await screen.findByRole('button', { name: '详情' }));
    expect(await screen.findByText('350102********1234')).toBeInTheDocument();
    expect(screen.queryByText('350102199001011234')).not.toBeInTheDocument();

    await user.click(screen.getByTestId('reveal-identity'));
    expect(api.calls('POST', '/api/v1/organisations/10/identity')).toHaveLength(0);
    await user.click(await screen.findByTestId('reveal-identity-confirm'));
    expect(await screen.findByTestId('revealed-identity')).toHaveTextContent('法定代表人：张三 350102199001011234');
    expect(screen.getByTestId('revealed-identity')).toHaveTextContent('本次查看已记入审计日志');
    expect(api.calls('POST', '/api/v1/organisations/10/identity')).toHaveLength(1);
  });
});

describe('the audit log', () => {
  const entry = {
    seq: 12,
    at: '2026-11-20T02:00:00Z',
    actor_id: 7,
    actor_label: 'broker-li',
    action: 'deal.transition',
    object_type: 'deal',
    object_id: '501',
    before: { stage: 'introduced' },
    after: { stage: 'negotiating' },
    ip: '127.0.0.1',
    hash: 'ab12cd34ef56ab12cd34ef56',
  };

  it('verifies the chain and says where it breaks', async () => {
    const user = userEvent.setup({ delay: null });
    let broken = false;
    serve({
      'GET /api/v1/audit/entries': () => json(page([entry])),
      'GET /api/v1/audit/verify': () =>
        json(
          broken
            ? { ok: false, count: 12, head_seq: 12, head_hash: 'ab12', first_broken_seq: 7, reason: '第7条的哈希与内容不符' }
            : { ok: true, count: 12, head_seq: 12, head_hash: 'ab12', first_broken_seq: null, reason: null },
        ),
    });
    renderRoutes(routes, { path: '/admin/audit-log', queryClient: admin() });

    // The action and the object in words, never as codes.
    expect(await screen.findByText('推进项目阶段')).toBeInTheDocument();
    expect(screen.getByText('撮合项目 #501')).toBeInTheDocument();
    expect(screen.queryByText('deal.transition')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('verify-chain'));
    expect(await screen.findByTestId('verify-result')).toHaveTextContent('哈希链完整：已校验 12 条记录');

    broken = true;
    await user.click(screen.getByTestId('verify-chain'));
    await waitFor(() => {
      expect(screen.getByTestId('verify-result')).toHaveTextContent('哈希链自第 7 条起不一致');
    });
    expect(screen.getByTestId('verify-result')).toHaveTextContent('第7条的哈希与内容不符');
  });
});

describe('the statistics page', () => {
  it('names which stage each deal figure counts, so “fully paid” and “closed” do not contradict', { timeout: 60_000 }, async () => {
    serve({
      'GET /api/v1/deals/dashboard': () =>
        json({ scope: 'all', open_by_stage: [{ stage: 'paid', count: 4 }], open_total: 4, closed_this_year: { year: 2026, count: 0, amount: '0.00' }, my_share_amount: null }),
      'GET /api/v1/market/figures': () =>
        json({ demands: 10, achievements: 20, deals: 6, completed: 4, contract_amount: '4000000.00', rewards_paid: '0.00', monthly: [] }),
    });
    renderRoutes(routes, { path: '/admin/statistics', queryClient: admin() });
    // The page and its charts load lazily.
    expect(await screen.findByText('2026 年已结项', undefined, { timeout: 20_000 })).toBeInTheDocument();
    expect((await screen.findByText('已全额到账')).closest('.ant-statistic')).toHaveTextContent('4');
    expect(screen.getByText(/2026 年已结项项目合同额/)).toBeInTheDocument();
    // The four fully paid deals wait at “已到账”, not yet “已结项”; nothing is called “已完成”.
    expect(screen.getByRole('img', { name: /阶段为已到账或已结项/ })).toBeInTheDocument();
    expect(screen.queryByText('已完成')).not.toBeInTheDocument();
  });
});
