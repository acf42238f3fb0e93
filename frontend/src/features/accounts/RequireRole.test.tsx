import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import { createQueryClient } from '@/app/queryClient';
import { makeBrokerUser, makeUser, renderRoutes, signIn } from '@/test/render';

import { RequireRole } from './RequireRole';

const routes = [
  { path: '/login', element: <p>login page</p> },
  {
    path: '/firm',
    element: <RequireRole roles={['firm']} />,
    children: [
      { index: true, element: <p>firm workspace</p> },
      { path: 'demands', element: <p>firm demands</p> },
    ],
  },
];

afterEach(() => {
  tokenStore.clear();
});

describe('RequireRole', () => {
  it('sends an anonymous visitor to /login, remembering where they were going', async () => {
    const { router } = renderRoutes(routes, { path: '/firm/demands?status=open' });

    expect(await screen.findByText('login page')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(new URLSearchParams(router.state.location.search).get('next')).toBe('/firm/demands?status=open');
  });

  it('lets a user of the role through', async () => {
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser({ role: 'firm' }));
    renderRoutes(routes, { path: '/firm/demands', queryClient });

    expect(await screen.findByText('firm demands')).toBeInTheDocument();
  });

  it('shows 403 to a user of another role', async () => {
    const queryClient = createQueryClient();
    signIn(queryClient, makeBrokerUser());
    const { router } = renderRoutes(routes, { path: '/firm', queryClient });

    expect(await screen.findByText('无权访问')).toBeInTheDocument();
    expect(screen.getByText('当前账号（技术经纪人）无权访问此页面。')).toBeInTheDocument();
    expect(screen.queryByText('firm workspace')).not.toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/firm');
  });

  it('waits for the user to load before deciding', async () => {
    vi.stubGlobal('fetch', vi.fn(() => new Promise<Response>(() => undefined)));
    tokenStore.set({ access_token: 'a', refresh_token: 'r', token_type: 'bearer', expires_in: 3600 });
    renderRoutes(routes, { path: '/firm' });

    expect(await screen.findByText('加载中…')).toBeInTheDocument();
    expect(screen.queryByText('firm workspace')).not.toBeInTheDocument();
    expect(screen.queryByText('login page')).not.toBeInTheDocument();
    vi.unstubAllGlobals();
  });
});
