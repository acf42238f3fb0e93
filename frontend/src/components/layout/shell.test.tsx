import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import { createQueryClient } from '@/app/queryClient';
import { routes } from '@/app/routes';
import { makeDeal } from '@/test/fixtures';
import { windowWidth } from '@/test/media';
import { makeUser, renderRoutes, signIn } from '@/test/render';
import { json, serve } from '@/test/server';

function phone() {
  windowWidth(390);
}

function firm() {
  const queryClient = createQueryClient();
  signIn(queryClient, makeUser());
  return queryClient;
}

const notifications = {
  items: [
    { id: 3, kind: 'deal.stage', title: '撮合项目 #5：进入「洽谈中」阶段 moved to negotiating', body: '', deal_id: 5, created_at: '2026-11-23T17:30:00Z', read_at: null },
    { id: 2, kind: 'deal.introduced', title: '撮合项目 #5：新的撮合引荐，请确认是否接受 A new introduction awaits your answer', body: '需求：焊接；成果：焊缝', deal_id: 5, created_at: '2026-11-22T02:00:00Z', read_at: '2026-11-22T03:00:00Z' },
  ],
  total: 2,
  unread: 1,
  page: 1,
  page_size: 20,
};

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  tokenStore.clear();
});

describe('the shell on a phone', () => {
  it('keeps the navigation in a drawer behind the menu button', async () => {
    phone();
    const user = userEvent.setup({ delay: null });
    serve({ 'GET /api/v1/notifications': () => json(notifications), 'GET /api/v1/deals/pending': () => json({ introductions: 0, invitations: 0, share_proposals: 0 }) });
    renderRoutes(routes, { path: '/firm', queryClient: firm() });
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('nav-open'));
    const menu = await screen.findByRole('menu');
    await user.click(within(menu).getByRole('menuitem', { name: /我的技术需求/ }));
    await waitFor(() => {
      expect(screen.queryByRole('menu')).not.toBeInTheDocument();
    });
  });
});

describe('the bell', () => {
  it('counts the unread, lists them in words and leads to the deal, marking it read', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/notifications': () => json(notifications),
      'POST /api/v1/notifications/{id}/read': () => json({ ...notifications.items[0], read_at: '2026-11-24T00:00:00Z' }),
      'GET /api/v1/deals/pending': () => json({ introductions: 2, invitations: 0, share_proposals: 0 }),
      'GET /api/v1/deals/{id}': () => json(makeDeal({ id: 5, relation: 'demand_party' })),
      'GET /api/v1/deals/{id}/timeline': () => json([]),
    });
    const { router } = renderRoutes(routes, { path: '/firm', queryClient: firm() });

    const bell = await screen.findByRole('button', { name: '通知（1 条未读）' });
    // The workspace says what waits: two introductions to answer.
    expect(await screen.findByRole('button', { name: '撮合对接（2 项待处理）' })).toBeInTheDocument();

    await user.click(bell);
    const item = await screen.findByTestId('notification-3');
    expect(item).toHaveTextContent('撮合项目 #5：进入“洽谈中”阶段');
    expect(item).toHaveTextContent('2026-11-24 01:30'); // Beijing time
    expect(screen.getByTestId('notification-2')).toHaveTextContent('撮合项目 #5：新的引荐，请确认是否接受');
    expect(screen.getByRole('dialog')).not.toHaveTextContent(/moved to|deal\.stage/);

    await user.click(item);
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/firm/deals/5');
    });
    expect(api.calls('POST', '/api/v1/notifications/3/read')).toHaveLength(1);
  });
});

describe('the side menu', () => {
  it('highlights the investor’s project feed, not the workspace, on a request opened from it', async () => {
    windowWidth(1280);
    serve({ 'GET /api/v1/notifications': () => json({ ...notifications, items: [], total: 0, unread: 0 }) });
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser({ id: 30, role: 'investor', organisation: { id: 40, name: '海峡科创投资基金有限公司', kind: 'investor', region: '福州市', verification_status: 'verified' } }));
    renderRoutes(routes, { path: '/investor/requests/7', queryClient });
    const feed = await screen.findByRole('menuitem', { name: /项目推荐/ });
    expect(feed).toHaveClass('ant-menu-item-selected');
    expect(screen.getByRole('menuitem', { name: /工作台/ })).not.toHaveClass('ant-menu-item-selected');
  });
});
