import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import { createQueryClient } from '@/app/queryClient';
import { routes } from '@/app/routes';
import { makeDeal } from '@/test/fixtures';
import { makeBrokerUser, renderRoutes, signIn } from '@/test/render';
import { json, serve } from '@/test/server';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

function as(user: Parameters<typeof signIn>[1]) {
  const queryClient = createQueryClient();
  signIn(queryClient, user);
  return queryClient;
}

describe('co-brokers by name', () => {
  it('the lead picks a co-broker by name from a search and sends their share', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/deals/{id}': () => json(makeDeal({ stage: 'negotiating' })),
      'GET /api/v1/deals/{id}/timeline': () => json([]),
      'GET /api/v1/brokers/search': () => json([{ id: 12, display_name: '王五', agency_name: '海峡技术转移中心', level: 'intermediate' }]),
      'POST /api/v1/deals/{id}/brokers': () => json(makeDeal()),
    });
    renderRoutes(routes, { path: '/broker/deals/501', queryClient: as(makeBrokerUser()) });
    await user.click(await screen.findByRole('tab', { name: '经纪人与份额' }));
    await user.click(screen.getByRole('button', { name: '邀请协作经纪人' }));
    const form = await screen.findByTestId('invite-form');
    await user.type(within(form).getByRole('combobox'), '王');
    await user.click(await screen.findByText('王五 · 中级 · 海峡技术转移中心'));
    expect(api.calls('GET', '/api/v1/brokers/search')[0]!.url).toContain('q=%E7%8E%8B');
    await user.clear(within(form).getByLabelText('李四 的份额'));
    await user.type(within(form).getByLabelText('李四 的份额'), '70');
    await user.type(await within(form).findByLabelText('王五 的份额'), '30');
    await user.click(within(form).getByRole('button', { name: '邀请协作经纪人' }));
    await waitFor(() => {
      expect(api.calls('POST', '/api/v1/deals/501/brokers')).toHaveLength(1);
    });
    expect(await api.calls('POST', '/api/v1/deals/501/brokers')[0]!.json()).toEqual({ broker_id: 12, shares: { '7': '70', '12': '30' } });
  });

  it('the invitee reads who invited them and the split in names, never numbers', async () => {
    const user = userEvent.setup({ delay: null });
    serve({
      'GET /api/v1/deals/{id}': () =>
        json(
          makeDeal({
            relation: 'invitee',
            invitation: {
              broker_id: 12,
              display_name: '王五',
              invited_by_id: 7,
              invited_by_name: '李四',
              invited_at: '2026-11-03T02:00:00Z',
              proposed_shares: { '7': '70.00', '12': '30.00' },
              names: { '7': '李四', '12': '王五' },
            },
          }),
        ),
      'GET /api/v1/deals/{id}/timeline': () => json([]),
    });
    renderRoutes(routes, { path: '/broker/deals/501', queryClient: as(makeBrokerUser({ id: 12, display_name: '王五' })) });
    await user.click(await screen.findByRole('tab', { name: '经纪人与份额' }));
    expect(await screen.findByText('李四 邀请您协作此项目')).toBeInTheDocument();
    expect(screen.getByText('李四：70.00% · 王五：30.00%')).toBeInTheDocument();
    expect(screen.getByRole('tabpanel')).not.toHaveTextContent(/#\d+/);
  });

  it("the broker a challenge's solver named is asked to lead the award's deal", async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/deals/{id}': () =>
        json(
          makeDeal({
            relation: 'invitee',
            challenge: { challenge_id: 5, award_id: 3, proposal_id: 31, title: '伺服电机编码器国产化', amount: '800000.00' },
            invitation: {
              broker_id: 12,
              display_name: '王五',
              invited_by_id: 2,
              invited_by_name: '赵六',
              invited_at: '2026-11-03T02:00:00Z',
              proposed_shares: { '12': '100.00' },
              names: { '12': '王五' },
            },
          }),
        ),
      'GET /api/v1/deals/{id}/timeline': () => json([]),
      'POST /api/v1/deals/{id}/invitation/accept': () => json(makeDeal()),
    });
    renderRoutes(routes, { path: '/broker/deals/501', queryClient: as(makeBrokerUser({ id: 12, display_name: '王五' })) });
    await user.click(await screen.findByRole('tab', { name: '经纪人与份额' }));
    expect(await screen.findByText(/揭榜方指定您为揭榜挂帅“伺服电机编码器国产化”授奖项目的牵头经纪人/)).toBeInTheDocument();
    expect(screen.getByText('王五：100.00%')).toBeInTheDocument();
    await user.click(screen.getByTestId('accept-invitation'));
    await waitFor(() => expect(api.calls('POST', '/api/v1/deals/501/invitation/accept')).toHaveLength(1));
  });
});
