import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import type { JoinRequest } from '@/api/types';
import { createQueryClient } from '@/app/queryClient';
import { routes } from '@/app/routes';
import { makeBrokerUser, renderRoutes, signIn } from '@/test/render';
import { json, serve } from '@/test/server';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

const member = makeBrokerUser({
  organisation: { id: 30, name: '海峡技术转移中心有限公司', kind: 'agency', region: '福州市', verification_status: 'verified' },
  broker: { level: 'senior', certificate_no: 'JJR-0001', fields: ['新材料'], agency_id: 30, verification_status: 'verified' },
});

const request: JoinRequest = {
  id: 9,
  organisation_id: 30,
  organisation_name: '海峡技术转移中心有限公司',
  user_id: 44,
  username: 'joiner1',
  display_name: '陈经纪',
  email: null,
  role: 'broker',
  broker_level: 'junior',
  broker_certificate_no: 'FJ-2026-0009',
  status: 'pending',
  created_at: '2026-12-06T02:00:00Z',
  decided_at: null,
  note: null,
};

describe('an agency’s members page', () => {
  it('lets a member approve a request to join', async () => {
    const user = userEvent.setup({ delay: null });
    let pending = [request];
    const api = serve({
      'GET /api/v1/organisations/{id}/join-requests': () => json(pending),
      'GET /api/v1/organisations/{id}/invitations': () => json([]),
      'POST /api/v1/organisations/{id}/join-requests/{rid}/approve': () => {
        pending = [];
        return json({ ...request, status: 'approved' });
      },
    });
    const queryClient = createQueryClient();
    signIn(queryClient, member);
    renderRoutes(routes, { path: '/broker/members', queryClient });

    expect(await screen.findByTestId('join-request-9')).toHaveTextContent('陈经纪');
    expect(screen.getByTestId('join-request-9')).toHaveTextContent('FJ-2026-0009');
    await user.click(screen.getByTestId('approve-join-9'));
    expect(await screen.findByText('没有待处理的加入申请。有人以本机构信用代码注册时会通知您。')).toBeInTheDocument();
    expect(api.calls('POST', '/api/v1/organisations/30/join-requests/9/approve')).toHaveLength(1);
    expect(api.calls('GET', '/api/v1/organisations/30/join-requests')[0]?.url).toContain('status=pending');
  });

  it('shows a new invitation code once', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/organisations/{id}/join-requests': () => json([]),
      'GET /api/v1/organisations/{id}/invitations': () => json([]),
      'POST /api/v1/organisations/{id}/invitations': () =>
        json({ id: 3, code: 'c0de-for-a-colleague', created_at: '2026-12-06T02:00:00Z', expires_at: '2026-12-13T02:00:00Z', used_at: null, revoked_at: null }, 201),
    });
    const queryClient = createQueryClient();
    signIn(queryClient, member);
    renderRoutes(routes, { path: '/broker/members', queryClient });

    await user.click(await screen.findByTestId('create-invitation'));
    expect(await screen.findByTestId('invitation-code')).toHaveTextContent('c0de-for-a-colleague');
    expect(api.calls('POST', '/api/v1/organisations/30/invitations')).toHaveLength(1);
  });

  it('tells a pending applicant that nothing is shown until they are approved', async () => {
    serve({});
    const queryClient = createQueryClient();
    signIn(queryClient, makeBrokerUser({ join_request: { id: 9, organisation_name: '海峡技术转移中心有限公司', status: 'pending', created_at: '2026-12-06T02:00:00Z' } }));
    renderRoutes(routes, { path: '/broker/members', queryClient });

    expect(await screen.findByText(/您的加入申请正在等待该机构成员或科技主管部门批准/)).toBeInTheDocument();
  });
});
