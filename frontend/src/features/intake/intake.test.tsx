import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import type { DemandDraft, DirectoryDetail, HelpRequest } from '@/api/types';
import { createQueryClient } from '@/app/queryClient';
import { routes } from '@/app/routes';
import { makeBrokerUser, makeUser, renderRoutes, signIn } from '@/test/render';
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

function helpRequest(overrides: Partial<HelpRequest> = {}): HelpRequest {
  return {
    id: 31,
    status: 'open',
    confidential: false,
    description: '焊接产线良率低，希望经纪人上门。',
    organisation_id: 10,
    organisation_name: '福州示例科技有限公司',
    requested_by: '张三',
    preferred_times: '工作日上午',
    field: null,
    region: '福州市',
    broker: null,
    requested_broker_id: null,
    my_offer: null,
    created_at: '2026-12-01T02:00:00Z',
    accepted_at: null,
    escalated_at: null,
    ended_at: null,
    overdue: false,
    visits: 0,
    drafts: 0,
    ...overrides,
  };
}

function draft(overrides: Partial<DemandDraft> = {}): DemandDraft {
  return {
    id: 41,
    help_request_id: 31,
    organisation_id: 10,
    broker: { id: 7, display_name: '李四', level: 'senior' },
    status: 'submitted',
    title: '焊缝跟踪精度提升',
    demand: {
      title: '焊缝跟踪精度提升',
      description: '将焊缝跟踪偏差控制在0.2毫米以内。',
      field_id: 2,
      keywords: ['焊缝跟踪'],
      budget_min: '200000.00',
      budget_max: '600000.00',
      modes: ['development'],
      min_trl: 5,
      deadline: null,
      region: '福州市',
      visibility: 'public',
      anonymous: false,
    },
    firm_note: null,
    demand_id: null,
    dossier_id: null,
    decided_at: null,
    created_at: '2026-12-02T02:00:00Z',
    updated_at: '2026-12-02T02:00:00Z',
    ...overrides,
  };
}

describe('asking for help', () => {
  it('sends the firm’s request with the broker it picked from the directory', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/help-requests': () => json(page([helpRequest({ status: 'accepted', broker: { id: 7, display_name: '李四', level: 'senior' } })])),
      'GET /api/v1/broker-directory': () => json(page([])),
      'GET /api/v1/fields': () => json([]),
      'POST /api/v1/help-requests': () => json(helpRequest({ id: 32 }), 201),
    });
    renderRoutes(routes, { path: '/firm/help?broker=7', queryClient: as(makeUser()) });

    expect(await screen.findByText('李四')).toBeInTheDocument();
    await user.type(screen.getByTestId('help-description'), '说不清需要什么技术');
    await user.click(screen.getByTestId('help-confidential'));
    await user.click(screen.getByTestId('help-submit'));
    await waitFor(() => expect(api.calls('POST', '/api/v1/help-requests')).toHaveLength(1));
    expect(await api.calls('POST', '/api/v1/help-requests')[0]!.json()).toEqual({
      description: '说不清需要什么技术',
      confidential: true,
      broker_id: 7,
      region: null,
    });
  });
});

describe('the broker’s inbox', () => {
  it('accepts an offered request; a confidential one shows no firm until then', async () => {
    const user = userEvent.setup({ delay: null });
    const offered = helpRequest({ confidential: true, my_offer: 'offered', organisation_name: null, description: null, requested_by: null });
    const api = serve({
      'GET /api/v1/help-requests': () => json(page([offered])),
      'POST /api/v1/help-requests/{id}/accept': () => json({ ...offered, status: 'accepted', organisation_name: '福州示例科技有限公司' }),
    });
    renderRoutes(routes, { path: '/broker/help', queryClient: as(makeBrokerUser()) });

    const row = (await screen.findByTestId('help-accept-31')).closest('tr')!;
    expect(within(row as HTMLElement).getByText('接受后可见')).toBeInTheDocument();
    await user.click(screen.getByTestId('help-accept-31'));
    await user.click(await screen.findByRole('button', { name: /确\s*认/ }));
    await waitFor(() => expect(api.calls('POST', '/api/v1/help-requests/31/accept')).toHaveLength(1));
  });
});

describe('a drafted demand', () => {
  it('is approved by the firm, which then sees its new demand', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/demand-drafts/{id}': () => json(draft()),
      'GET /api/v1/fields': () => json([]),
      'POST /api/v1/demand-drafts/{id}/approve': () => json({ id: 501, title: '焊缝跟踪精度提升' }),
      'GET /api/v1/demands/{id}': () => json({}),
      'GET /api/v1/demands/{id}/matches': () => json({}),
    });
    const { router } = renderRoutes(routes, { path: '/firm/drafts/41', queryClient: as(makeUser()) });

    expect(await screen.findByText('经纪人 李四 起草')).toBeInTheDocument();
    await user.click(screen.getByTestId('draft-approve'));
    await user.click(await screen.findByRole('button', { name: /确\s*认/ }));
    await waitFor(() => expect(api.calls('POST', '/api/v1/demand-drafts/41/approve')).toHaveLength(1));
    await waitFor(() => expect(router.state.location.pathname).toBe('/firm/demands/501'));
  });

  it('shows a broker no approve button', async () => {
    serve({ 'GET /api/v1/demand-drafts/{id}': () => json(draft({ status: 'draft' })), 'GET /api/v1/fields': () => json([]) });
    renderRoutes(routes, { path: '/broker/drafts/41', queryClient: as(makeBrokerUser()) });
    expect(await screen.findByTestId('draft-submit')).toBeInTheDocument();
    expect(screen.queryByTestId('draft-approve')).toBeNull();
  });
});

describe('the broker directory', () => {
  it('shows a broker’s computed record and grade history', async () => {
    const entry: DirectoryDetail = {
      broker_id: 7,
      display_name: '李四',
      agency_name: '海峡技术转移中心',
      level: 'intermediate',
      fields: ['智能装备'],
      region: '福州市',
      languages: ['中文', 'English'],
      bio: '十年经验',
      record: { introductions: 5, deals_registered: 2, confirmed_value: '750000.50', median_days_to_signing: '50.0', lost_share: '0.2000', upheld_findings: 0 },
      quarters: [{ quarter: '2026Q4', introductions: 5, deals_registered: 2, confirmed_value: '750000.50' }],
      grade_history: [{ from_level: 'junior', to_level: 'intermediate', reason: 'promotion', changed_at: '2026-11-01T02:00:00Z', note: null }],
    };
    serve({ 'GET /api/v1/broker-directory/{id}': () => json(entry) });
    renderRoutes(routes, { path: '/brokers/7', queryClient: createQueryClient() });
    expect(await screen.findByText('海峡技术转移中心')).toBeInTheDocument();
    expect(screen.getByText('已登记项目')).toBeInTheDocument();
    expect(screen.getByText('2026-11-01 晋升：初级 → 中级')).toBeInTheDocument();
  });
});
