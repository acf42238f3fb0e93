import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

function serve(handlers: Parameters<typeof serveApi>[0]) {
  return serveApi(handlers).seen;
}

import { tokenStore } from '@/api/tokens';
import { makeBrokerUser, makeUser, renderRoutes, signIn } from '@/test/render';
import { json, page, serve as serveApi } from '@/test/server';

import { createQueryClient } from './queryClient';
import { routes } from './routes';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

describe('the app shell', () => {
  it('says the figures cannot be loaded when the market endpoint fails', async () => {
    serve({});
    renderRoutes(routes, { path: '/' });

    expect(screen.getByText('技术经纪服务平台')).toBeInTheDocument();
    expect(await screen.findByText('暂时无法加载市场数据，请稍后刷新页面。')).toBeInTheDocument();
    expect(screen.getByRole('menuitem', { name: /需求与成果/ })).toBeInTheDocument();
    expect(screen.queryByText('撮合项目', { selector: '.ant-menu *' })).not.toBeInTheDocument();
  });

  it("lists the signed-in broker's section in the side menu", async () => {
    serve({ 'GET /api/v1/deals': () => json(page([])) });
    const queryClient = createQueryClient();
    signIn(queryClient, makeBrokerUser());
    renderRoutes(routes, { path: '/broker/deals', queryClient });

    const menu = screen.getByRole('menu');
    expect(within(menu).getByText('技术经纪人')).toBeInTheDocument();
    expect(within(menu).getByRole('menuitem', { name: /撮合项目/ })).toHaveClass('ant-menu-item-selected');
    expect(within(menu).getByRole('menuitem', { name: /奖补申报/ })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '用户菜单' })).toHaveTextContent('李四');
    expect(await screen.findByText('还没有撮合项目。在“匹配机会”中认领一对需求与成果即可开始。')).toBeInTheDocument();
  });

  it("opens a firm user's workspace with their organisation", async () => {
    serve({});
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser());
    renderRoutes(routes, { path: '/firm', queryClient });

    expect(await screen.findByText('欢迎，张三')).toBeInTheDocument();
    expect(screen.getByText('所属机构：福州示例科技有限公司')).toBeInTheDocument();
    expect(screen.getByText('已认证')).toBeInTheDocument();
  });

  it('shows an unknown path as not found', () => {
    serve({});
    renderRoutes(routes, { path: '/no/such/page' });
    expect(screen.getByText('页面不存在')).toBeInTheDocument();
  });
});

describe('login', () => {
  it('posts the OAuth2 password form and lands on the role workspace', async () => {
    const user = userEvent.setup({ delay: null });
    const seen = serve({
      'POST /api/v1/auth/token': () => json({ access_token: 'a', refresh_token: 'r', token_type: 'bearer', expires_in: 900 }),
      'GET /api/v1/auth/me': () => json(makeUser({ role: 'institute', display_name: '王五' })),
    });
    const { router } = renderRoutes(routes, { path: '/login' });

    await user.type(screen.getByLabelText('用户名'), 'wangwu');
    await user.type(screen.getByLabelText('密码'), 's3cret pass');
    await user.click(screen.getByRole('button', { name: '登 录' }));

    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/institute');
    });
    const tokenRequest = seen.find((r) => new URL(r.url).pathname === '/api/v1/auth/token');
    expect(tokenRequest?.headers.get('Content-Type')).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(await tokenRequest?.text())).toEqual(
      new URLSearchParams({ grant_type: 'password', username: 'wangwu', password: 's3cret pass' }),
    );
    const meRequest = seen.find((r) => new URL(r.url).pathname === '/api/v1/auth/me');
    expect(meRequest?.headers.get('Authorization')).toBe('Bearer a');
    expect(tokenStore.get()?.accessToken).toBe('a');
  });

  it('puts problem+json field errors under the fields', async () => {
    const user = userEvent.setup({ delay: null });
    serve({
      'POST /api/v1/auth/token': () =>
        json(
          { type: 'about:blank', title: '参数校验失败', status: 422, errors: [{ field: 'body.username', message: '账号已停用' }] },
          422,
          'application/problem+json',
        ),
    });
    renderRoutes(routes, { path: '/login' });

    await user.type(screen.getByLabelText('用户名'), 'someone');
    await user.type(screen.getByLabelText('密码'), 'whatever');
    await user.click(screen.getByRole('button', { name: '登 录' }));

    expect(await screen.findByText('账号已停用')).toBeInTheDocument();
    expect(tokenStore.get()).toBeNull();
  });
});

describe('register', () => {
  it('checks the unified social credit code on the client', async () => {
    const user = userEvent.setup({ delay: null });
    serve({});
    renderRoutes(routes, { path: '/register' });

    const creditCode = screen.getByLabelText('统一社会信用代码');
    await user.type(creditCode, '911100001000013243');
    await user.click(screen.getByRole('button', { name: '提交注册' }));
    expect(await screen.findByText('统一社会信用代码格式或校验位不正确')).toBeInTheDocument();

    await user.clear(creditCode);
    await user.type(creditCode, '91350100m000100y43');
    expect(creditCode).toHaveValue('91350100M000100Y43');
    await waitFor(() => {
      expect(screen.queryByText('统一社会信用代码格式或校验位不正确')).not.toBeInTheDocument();
    });
  });
});
