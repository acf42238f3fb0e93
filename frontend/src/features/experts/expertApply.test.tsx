import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import { routes } from '@/app/routes';
import { renderRoutes } from '@/test/render';
import { json, serve } from '@/test/server';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

const FIELDS = [{ id: 1, code: 'materials', name_zh: '新材料', name_en: 'New materials', parent_id: null, sort: 1, active: true, children: [] }];

async function fill(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText('姓名'), '周明');
  await user.type(screen.getByLabelText('用户名'), 'zhou_prof');
  await user.type(screen.getByLabelText('密码'), 'Secret12345');
  await user.type(screen.getByLabelText('确认密码'), 'Secret12345');
  await user.type(screen.getByLabelText('单位'), '福州大学');
  await user.click(screen.getByLabelText('专家类型'));
  await user.click(await screen.findByTitle('科学家'));
}

describe('the expert application page', () => {
  it('registers an invited expert with the code the link carries', async () => {
    const user = userEvent.setup();
    const api = serve({
      'GET /api/v1/fields': () => json(FIELDS),
      'POST /api/v1/experts/register': () => json({ id: 30, username: 'zhou_prof' }, 201),
    });
    renderRoutes(routes, { path: '/experts/apply?code=abc-123' });
    expect(await screen.findByText('您正在使用管理员发出的邀请码注册，提交后即进入专家库。')).toBeInTheDocument();
    await fill(user);
    await user.click(screen.getByTestId('expert-apply-submit'));
    await waitFor(() => expect(api.calls('POST', '/api/v1/experts/register')).toHaveLength(1));
    const body = (await api.calls('POST', '/api/v1/experts/register')[0]!.json()) as Record<string, Record<string, unknown> | string | null>;
    expect(body.invitation_code).toBe('abc-123');
    expect(body.user).toMatchObject({ username: 'zhou_prof', display_name: '周明' });
    expect(body.profile).toMatchObject({ name: '周明', organisation_name: '福州大学', kind: 'scientist', yearly_capacity: 6 });
    expect(body).not.toHaveProperty('password_confirm');
    expect(await screen.findByText('注册成功，您已进入专家库。')).toBeInTheDocument();
  });

  it('sends an application without a code, to be verified', async () => {
    const user = userEvent.setup();
    const api = serve({
      'GET /api/v1/fields': () => json(FIELDS),
      'POST /api/v1/experts/register': () => json({ id: 31, username: 'zhou_prof' }, 201),
    });
    renderRoutes(routes, { path: '/experts/apply' });
    await fill(user);
    await user.click(screen.getByTestId('expert-apply-submit'));
    await waitFor(() => expect(api.calls('POST', '/api/v1/experts/register')).toHaveLength(1));
    expect(((await api.calls('POST', '/api/v1/experts/register')[0]!.json()) as { invitation_code: unknown }).invitation_code).toBeNull();
    expect(await screen.findByText('申请已提交，管理员审核通过后您将进入专家库。')).toBeInTheDocument();
  });
});
