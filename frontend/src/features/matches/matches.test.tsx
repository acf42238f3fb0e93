import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import { createQueryClient } from '@/app/queryClient';
import { routes } from '@/app/routes';
import { makeAchievement, makeDeal, makeDemand, makeMatch } from '@/test/fixtures';
import { windowWidth } from '@/test/media';
import { makeBrokerUser, makeUser, renderRoutes, signIn } from '@/test/render';
import { json, problem, serve } from '@/test/server';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

function as(user: Parameters<typeof signIn>[1]) {
  const queryClient = createQueryClient();
  signIn(queryClient, user);
  return queryClient;
}

const matches = { source_kind: 'demand', source_id: 101, items: [makeMatch()], index_version: 3, profile: 'hash' };

describe('a firm’s demand and its matches', () => {
  it('lists the matching achievements with their reasons, and records feedback', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/demands/{id}': () => json(makeDemand({ mine: true })),
      'GET /api/v1/demands/{id}/matches': () => json(matches),
      'GET /api/v1/matches/feedback': () => json([]),
      'PUT /api/v1/matches/feedback': () =>
        json({ id: 1, source_kind: 'demand', source_id: 101, target_id: 201, demand_id: 101, achievement_id: 201, useful: true, comment: null, created_at: '2026-11-23T00:00:00Z', updated_at: '2026-11-23T00:00:00Z', created: true }),
    });
    renderRoutes(routes, { path: '/firm/demands/101', queryClient: as(makeUser()) });

    const item = await screen.findByTestId('match-item');
    expect(within(item).getByRole('link', { name: '焊缝智能识别关键技术' })).toHaveAttribute('href', '/listings/achievements/201');
    expect(within(item).getByTestId('reason-shared_terms')).toHaveTextContent('共同关键词：焊缝');
    expect(within(item).getByTestId('reason-trl_fit')).toHaveTextContent('技术成熟度 6 级，达到要求的 5 级');
    // How well and why in words, the score as a bar: no similarity figure, no model name.
    expect(within(item).getByTestId('reason-semantic')).toHaveTextContent('您描述的问题与该成果解决的问题相近');
    expect(within(item).getByText('匹配度高')).toBeInTheDocument();
    expect(within(item).getByLabelText('匹配度 81%')).toBeInTheDocument();
    expect(item).not.toHaveTextContent(/0\.41|USE|0\.81/);
    expect(screen.queryByTestId('weak-matches')).not.toBeInTheDocument();
    expect(within(item).queryByTestId('claim-button')).not.toBeInTheDocument();

    await user.click(within(item).getByRole('button', { name: /有用/ }));
    await waitFor(() => {
      expect(api.calls('PUT', '/api/v1/matches/feedback')).toHaveLength(1);
    });
    expect(await api.calls('PUT', '/api/v1/matches/feedback')[0]!.json()).toEqual({ source_kind: 'demand', source_id: 101, target_id: 201, useful: true });
    const query = new URL(api.calls('GET', '/api/v1/demands/101/matches')[0]!.url).searchParams;
    expect(query.get('fit')).toBe('true');
  });

  it('shows the reasons in English when the reader switches language', async () => {
    serve({
      'GET /api/v1/demands/{id}': () => json(makeDemand({ mine: true })),
      'GET /api/v1/demands/{id}/matches': () => json(matches),
      'GET /api/v1/matches/feedback': () => json([]),
    });
    renderRoutes(routes, { path: '/firm/demands/101', queryClient: as(makeUser()), locale: 'en-US' });
    expect(await screen.findByTestId('reason-shared_terms')).toHaveTextContent('Shared terms: 焊缝');
    expect(screen.getByTestId('reason-semantic')).toHaveTextContent('The problem you describe is close to the one this achievement solves');
    expect(screen.getByText('Strong match')).toBeInTheDocument();
    expect(screen.getByText('Achievements that could meet this demand')).toBeInTheDocument();
  });

  it('on a phone puts the buttons under the reasons, where they can wrap, not in antd’s row', async () => {
    windowWidth(390);
    serve({
      'GET /api/v1/demands/{id}': () => json(makeDemand({ mine: true })),
      'GET /api/v1/demands/{id}/matches': () => json(matches),
      'GET /api/v1/matches/feedback': () => json([]),
    });
    renderRoutes(routes, { path: '/firm/demands/101', queryClient: as(makeUser()), locale: 'en-US' });
    const item = await screen.findByTestId('match-item');
    expect(item.querySelector('.ant-list-item-action')).toBeNull();
    expect(within(item).getByTestId('introduce-button')).toHaveTextContent('Interested: ask a broker to introduce us');
    expect(within(item).getByRole('button', { name: /Useful/ })).toBeInTheDocument();
  });

  it('marks weak matches as weak instead of presenting them as answers', async () => {
    serve({
      'GET /api/v1/demands/{id}': () => json(makeDemand({ mine: true })),
      'GET /api/v1/demands/{id}/matches': () => json({ ...matches, items: [makeMatch({ score: 0.21, relevance: 0.21 })] }),
      'GET /api/v1/matches/feedback': () => json([]),
    });
    renderRoutes(routes, { path: '/firm/demands/101', queryClient: as(makeUser()) });
    expect(await screen.findByTestId('weak-matches')).toHaveTextContent('匹配度较低，建议请经纪人帮您梳理需求');
    expect(within(screen.getByTestId('match-item')).getByText('匹配度较低')).toBeInTheDocument();
  });
});

describe('the broker’s match feed', () => {
  const feed = {
    items: [{ score: 0.9, relevance: 0.9, parts: { bm25: 0.9 }, reasons: makeMatch().reasons, new_side: 'demand', demand: makeDemand(), achievement: makeAchievement() }],
    since: '2026-11-09T00:00:00Z',
    field_codes: ['equipment.robotics'],
  };

  it('claims a pair: the deal opens and the broker lands on it', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/matches/feed': () => json(feed),
      'POST /api/v1/deals': () => json(makeDeal({ id: 888 }), 201),
      'GET /api/v1/deals/{id}': () => json(makeDeal({ id: 888 })),
      'GET /api/v1/deals/{id}/timeline': () => json([]),
    });
    const { router } = renderRoutes(routes, { path: '/broker/matches', queryClient: as(makeBrokerUser()) });

    const item = await screen.findByTestId('match-item');
    expect(within(item).getByText('共同关键词：焊缝')).toBeInTheDocument();
    await user.click(within(item).getByTestId('claim-button'));
    // Claiming asks first: nothing is sent until the broker confirms.
    expect(api.calls('POST', '/api/v1/deals')).toHaveLength(0);
    await user.click(await screen.findByTestId('claim-confirm'));
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/broker/deals/888');
    });
    expect(await api.calls('POST', '/api/v1/deals')[0]!.json()).toEqual({ demand_id: 101, achievement_id: 201 });
  });

  it('says why a claim was refused', async () => {
    const user = userEvent.setup({ delay: null });
    serve({
      'GET /api/v1/matches/feed': () => json(feed),
      'POST /api/v1/deals': () => problem(409, '这对需求与成果已有进行中的撮合项目。This pair is already in an open deal.'),
    });
    renderRoutes(routes, { path: '/broker/matches', queryClient: as(makeBrokerUser()) });
    await user.click(await screen.findByTestId('claim-button'));
    await user.click(await screen.findByTestId('claim-confirm'));
    // In the reader's language only (the server writes both).
    expect(await screen.findByText('这对需求与成果已有进行中的撮合项目。')).toBeInTheDocument();
  });
});
