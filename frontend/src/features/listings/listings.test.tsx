import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import { createQueryClient } from '@/app/queryClient';
import { routes } from '@/app/routes';
import { FIELD_TREE, makeDemand } from '@/test/fixtures';
import { makeUser, renderRoutes, signIn } from '@/test/render';
import { json, page, problem, serve } from '@/test/server';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

describe('public listings', () => {
  it('lists published demands and searches by keyword, keeping the search in the address', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/fields': () => json(FIELD_TREE),
      'GET /api/v1/demands': (request) =>
        json(new URL(request.url).searchParams.get('q') === '不存在' ? page([]) : page([makeDemand()])),
    });
    const { router } = renderRoutes(routes, { path: '/listings' });

    const item = await screen.findByTestId('demand-item');
    expect(within(item).getByRole('link', { name: '寻求焊接机器人视觉引导技术' })).toHaveAttribute('href', '/listings/demands/101');
    expect(within(item).getByText('福州示例科技有限公司')).toBeInTheDocument();
    expect(within(item).getByText('技术开发')).toBeInTheDocument();

    await user.type(screen.getByLabelText('关键词'), '不存在');
    await user.click(screen.getByRole('button', { name: '搜 索' }));
    expect(await screen.findByText('没有符合条件的结果，请放宽筛选条件或更换关键词。')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?q=%E4%B8%8D%E5%AD%98%E5%9C%A8');
    const last = api.calls('GET', '/api/v1/demands').at(-1);
    expect(new URL(last!.url).searchParams.get('q')).toBe('不存在');
    expect(new URL(last!.url).searchParams.get('page_size')).toBe('10');
  });

  it('shows an anonymous demand without its firm', async () => {
    serve({
      'GET /api/v1/fields': () => json(FIELD_TREE),
      'GET /api/v1/demands': () => json(page([makeDemand({ anonymous: true, party: { organisation_id: null, name: '匿名企业', anonymous: true, contact_person: null, phone: null, email: null } })])),
    });
    renderRoutes(routes, { path: '/listings' });
    const item = await screen.findByTestId('demand-item');
    expect(within(item).getByText('匿名企业')).toBeInTheDocument();
    expect(within(item).queryByText('福州示例科技有限公司')).not.toBeInTheDocument();
  });
});

function signedInFirm(verified = true) {
  const queryClient = createQueryClient();
  signIn(queryClient, makeUser({ organisation: { id: 10, name: '福州示例科技有限公司', kind: 'firm', region: '福州市', verification_status: verified ? 'verified' : 'pending' } }));
  return queryClient;
}

async function fillDemand(user: ReturnType<typeof userEvent.setup>) {
  const form = screen.getByTestId('demand-form');
  await user.type(within(form).getByLabelText('需求名称'), '寻求锂电池正极材料包覆改性技术');
  await user.type(within(form).getByLabelText('需求描述'), '循环寿命不足，希望合作开发表面包覆改性工艺。');
  // The field taxonomy is a tree select: open it and pick a sub-field.
  fireEvent.mouseDown(within(form).getByLabelText('技术领域'));
  await user.click(await screen.findByTitle('高端装备'));
  await user.type(within(form).getByLabelText('预算下限（元）'), '800000');
  await user.type(within(form).getByLabelText('预算上限（元）'), '200000');
  await user.click(within(form).getByLabelText('技术开发'));
  await user.type(within(form).getByLabelText('地区'), '宁德市');
}

describe('posting a demand', () => {
  it('validates before submitting: required fields, then the budget order', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({ 'GET /api/v1/fields': () => json(FIELD_TREE) });
    renderRoutes(routes, { path: '/firm/demands/new', queryClient: signedInFirm() });

    await user.click(await screen.findByTestId('demand-publish'));
    expect(await screen.findByText('请填写需求名称')).toBeInTheDocument();
    expect(screen.getByText('请至少选择一种合作方式')).toBeInTheDocument();

    await fillDemand(user);
    await user.click(screen.getByTestId('demand-publish'));
    expect(await screen.findByText('预算上限不能低于下限')).toBeInTheDocument();
    expect(api.calls('POST', '/api/v1/demands')).toHaveLength(0);
  });

  it('publishes the demand, explains visibility and anonymity inline, and shows server field errors', async () => {
    const user = userEvent.setup({ delay: null });
    let attempts = 0;
    const api = serve({
      'GET /api/v1/fields': () => json(FIELD_TREE),
      'POST /api/v1/demands': () => {
        attempts += 1;
        return attempts === 1
          ? problem(422, '请检查这些字段', { errors: [{ field: 'body.title', message: '已有同名需求' }] })
          : json(makeDemand({ id: 777 }), 201);
      },
      'GET /api/v1/demands/{id}': () => json(makeDemand({ id: 777, mine: true })),
      'GET /api/v1/demands/{id}/matches': () => json({ source_kind: 'demand', source_id: 777, items: [], index_version: 1, profile: 'hash' }),
      'GET /api/v1/matches/feedback': () => json([]),
    });
    const { router } = renderRoutes(routes, { path: '/firm/demands/new', queryClient: signedInFirm() });

    await screen.findByTestId('demand-form');
    expect(screen.getByText('— 只有通过认证的技术经纪人和科技主管部门能看到。')).toBeInTheDocument();
    expect(screen.getByText('未开启：需求会显示贵单位名称和联系方式。')).toBeInTheDocument();
    await user.click(screen.getByRole('switch'));
    expect(screen.getByText(/已开启：公开页面显示为“匿名企业”/)).toBeInTheDocument();

    await fillDemand(user);
    await user.clear(screen.getByLabelText('预算上限（元）'));
    await user.type(screen.getByLabelText('预算上限（元）'), '1000000');
    await user.click(screen.getByTestId('demand-publish'));

    expect(await screen.findByText('已有同名需求')).toBeInTheDocument();
    const body: unknown = await api.calls('POST', '/api/v1/demands')[0]!.json();
    expect(body).toMatchObject({
      title: '寻求锂电池正极材料包覆改性技术',
      field_id: 1,
      budget_min: '800000',
      budget_max: '1000000',
      modes: ['development'],
      region: '宁德市',
      visibility: 'public',
      anonymous: true,
      publish: true,
    });

    await user.click(screen.getByTestId('demand-publish'));
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/firm/demands/777');
    });
  });

  it('lets an unverified firm save a draft but not publish', async () => {
    serve({ 'GET /api/v1/fields': () => json(FIELD_TREE) });
    renderRoutes(routes, { path: '/firm/demands/new', queryClient: signedInFirm(false) });
    expect(await screen.findByText('机构通过科技主管部门认证后才能发布；现在可以先保存草稿。')).toBeInTheDocument();
    expect(screen.getByTestId('demand-publish')).toBeDisabled();
    expect(screen.getByTestId('demand-save-draft')).toBeEnabled();
  });
});
