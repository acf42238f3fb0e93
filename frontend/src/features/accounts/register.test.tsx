import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import { routes } from '@/app/routes';
import { makeBrokerUser, makeUser, renderRoutes } from '@/test/render';
import { json, problem, serve } from '@/test/server';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

describe('registering as a broker', () => {
  it('checks the resident ID, posts the registration, shows server errors, then signs in', { timeout: 60_000 }, async () => {
    const user = userEvent.setup({ delay: null });
    let attempts = 0;
    const api = serve({
      'POST /api/v1/auth/register/broker': () => {
        attempts += 1;
        return attempts === 1
          ? problem(422, '请检查这些字段', { errors: [{ field: 'body.user.username', message: '用户名已被占用' }] })
          : json(makeBrokerUser({ broker: { level: 'senior', certificate_no: 'JJR-2026-01', fields: ['新材料'], agency_id: null, verification_status: 'pending' } }), 201);
      },
      'POST /api/v1/auth/token': () => json({ access_token: 'a', refresh_token: 'r', token_type: 'bearer', expires_in: 900 }),
      'GET /api/v1/auth/me': () => json(makeBrokerUser()),
      'GET /api/v1/deals/dashboard': () => json({ scope: 'own', open_by_stage: [], open_total: 0, closed_this_year: { year: 2026, count: 0, amount: '0.00' }, my_share_amount: '0.00' }),
    });
    const { router } = renderRoutes(routes, { path: '/register' });

    await user.click(await screen.findByText('技术经纪人注册'));
    const form = await screen.findByTestId('register-broker-form');
    await user.type(within(form).getAllByLabelText('姓名')[0]!, '李四');
    const id = within(form).getByLabelText('身份证号码');
    await user.type(id, '350102199611162632');
    await user.click(within(form).getByTestId('register-submit'));
    expect(await within(form).findByText('身份证号码格式或校验位不正确')).toBeInTheDocument();
    await user.clear(id);
    await user.type(id, '350102199611162631');

    await user.click(within(form).getByText('高级'));
    const fill = (label: string, value: string, selector?: string) =>
      fireEvent.change(within(form).getByLabelText(label, selector === undefined ? {} : { selector }), { target: { value } });
    fill('经纪人证书编号', 'JJR-2026-01');
    await user.type(within(form).getByLabelText('擅长技术领域'), '新材料{Enter}');
    fill('姓名', '李四', '#user_display_name');
    fill('用户名', 'broker-li');
    fill('密码', 'secret123');
    fill('确认密码', 'secret123');
    await user.click(within(form).getByTestId('register-submit'));

    expect(await within(form).findByText('用户名已被占用')).toBeInTheDocument();
    expect(await api.calls('POST', '/api/v1/auth/register/broker')[0]!.json()).toEqual({
      person: { name: '李四', id_number: '350102199611162631' },
      broker: { level: 'senior', certificate_no: 'JJR-2026-01', fields: ['新材料'] },
      user: { display_name: '李四', username: 'broker-li', password: 'secret123' },
    });

    await user.click(within(form).getByTestId('register-submit'));
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/broker');
    });
    expect(tokenStore.get()?.accessToken).toBe('a');
  });
});

describe('joining a registered organisation', () => {
  it('asks for the credit code or an invitation code, posts it and says the request awaits approval', { timeout: 60_000 }, async () => {
    const user = userEvent.setup({ delay: null });
    const pending = makeUser({
      username: 'colleague1',
      organisation: null,
      join_request: { id: 5, organisation_name: '福州示例科技有限公司', status: 'pending', created_at: '2026-12-06T02:00:00Z' },
    });
    const api = serve({
      'POST /api/v1/auth/register/member': () => json(pending, 201),
      'POST /api/v1/auth/token': () => json({ access_token: 'a', refresh_token: 'r', token_type: 'bearer', expires_in: 900 }),
      'GET /api/v1/auth/me': () => json(pending),
    });
    const { router } = renderRoutes(routes, { path: '/register' });

    await user.click(await screen.findByText('加入已注册机构'));
    const form = await screen.findByTestId('register-member-form');
    const fill = (label: string, value: string) => fireEvent.change(within(form).getByLabelText(label), { target: { value } });
    fill('姓名', '王同事');
    fill('用户名', 'colleague1');
    fill('密码', 'secret123');
    fill('确认密码', 'secret123');
    await user.click(within(form).getByTestId('register-submit'));
    expect(await within(form).findByText('机构信用代码和邀请码请填写其中一项')).toBeInTheDocument();
    expect(api.calls('POST', '/api/v1/auth/register/member')).toHaveLength(0);

    fill('邀请码（选填）', 'c0de-for-a-colleague');
    await user.click(within(form).getByTestId('register-submit'));
    expect(await screen.findByText('注册成功，已向该机构提交加入申请，批准后即成为其成员')).toBeInTheDocument();
    expect(await api.calls('POST', '/api/v1/auth/register/member')[0]!.json()).toEqual({
      invitation_code: 'c0de-for-a-colleague',
      user: { display_name: '王同事', username: 'colleague1', password: 'secret123' },
    });
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/firm');
    });
    expect(await screen.findByTestId('join-pending')).toHaveTextContent('福州示例科技有限公司');
  });
});
