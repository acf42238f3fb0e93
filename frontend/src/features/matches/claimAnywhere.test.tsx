import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import { createQueryClient } from '@/app/queryClient';
import { routes } from '@/app/routes';
import { makeAchievement, makeDeal, makeDemand, makeMatch } from '@/test/fixtures';
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

const matches = { source_kind: 'demand', source_id: 101, items: [makeMatch()], index_version: 3, profile: 'hash' };
const demandMatches = {
  source_kind: 'achievement',
  source_id: 201,
  items: [makeMatch({ kind: 'demand', id: 101, achievement: null, demand: makeDemand() })],
  index_version: 3,
  profile: 'hash',
};

describe('claiming from any listing a broker may see', () => {
  it('a demand found by search shows its matches, each claimable after a confirmation', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/demands/{id}': () => json(makeDemand({ party: { organisation_id: null, name: '', anonymous: true, contact_person: null, phone: null, email: null } })),
      'GET /api/v1/demands/{id}/matches': () => json(matches),
      'GET /api/v1/matches/feedback': () => json([]),
      'POST /api/v1/deals': () => json(makeDeal({ id: 888 }), 201),
      'GET /api/v1/deals/{id}': () => json(makeDeal({ id: 888 })),
      'GET /api/v1/deals/{id}/timeline': () => json([]),
    });
    const { router } = renderRoutes(routes, { path: '/listings/demands/101', queryClient: as(makeBrokerUser()) });

    const card = await screen.findByTestId('listing-matches');
    const item = await within(card).findByTestId('match-item');
    expect(within(card).queryByTestId('find-broker')).not.toBeInTheDocument();
    await user.click(within(item).getByTestId('claim-button'));
    expect(api.calls('POST', '/api/v1/deals')).toHaveLength(0);
    await user.click(await screen.findByTestId('claim-confirm'));
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/broker/deals/888');
    });
    expect(await api.calls('POST', '/api/v1/deals')[0]!.json()).toEqual({ demand_id: 101, achievement_id: 201 });
  });

  it('an achievement shows the demands it could meet; an unverified broker sees why the claim is disabled', async () => {
    serve({
      'GET /api/v1/achievements/{id}': () => json(makeAchievement()),
      'GET /api/v1/achievements/{id}/matches': () => json(demandMatches),
      'GET /api/v1/matches/feedback': () => json([]),
    });
    const pending = makeBrokerUser({ broker: { level: 'junior', certificate_no: 'JJR-0002', fields: [], agency_id: null, verification_status: 'pending' } });
    renderRoutes(routes, { path: '/listings/achievements/201', queryClient: as(pending) });
    const item = await screen.findByTestId('match-item');
    expect(within(item).getByRole('link', { name: '寻求焊接机器人视觉引导技术' })).toBeInTheDocument();
    expect(within(item).getByTestId('claim-button')).toBeDisabled();
    expect(within(item).getByLabelText('您的经纪人资格审核通过后才能认领撮合')).toBeInTheDocument();
  });

  it('shows no matches to a visitor who has not signed in', async () => {
    serve({ 'GET /api/v1/demands/{id}': () => json(makeDemand()) });
    renderRoutes(routes, { path: '/listings/demands/101' });
    expect(await screen.findByText('需要一套焊接机器人视觉引导方案。')).toBeInTheDocument();
    expect(screen.queryByTestId('listing-matches')).not.toBeInTheDocument();
  });
});

describe('a firm acting on a match', () => {
  it('asks a broker to introduce it: the help request comes filled in with the pair', async () => {
    const user = userEvent.setup({ delay: null });
    serve({
      'GET /api/v1/demands/{id}': () => json(makeDemand({ mine: true })),
      'GET /api/v1/demands/{id}/matches': () => json(matches),
      'GET /api/v1/achievements/{id}': () => json(makeAchievement()),
      'GET /api/v1/matches/feedback': () => json([]),
      'GET /api/v1/broker-directory': () => json(page([])),
      'GET /api/v1/help-requests': () => json(page([])),
    });
    const { router } = renderRoutes(routes, { path: '/firm/demands/101', queryClient: as(makeUser()) });
    const item = await screen.findByTestId('match-item');
    expect(screen.getByTestId('find-broker')).toHaveAttribute('href', '/brokers?field=equipment.robotics');
    await user.click(within(item).getByTestId('introduce-button'));
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/firm/help');
    });
    expect(router.state.location.search).toBe('?demand=101&achievement=201');
    await waitFor(() => {
      expect(screen.getByTestId('help-description')).toHaveValue(
        '我们对科技成果《焊缝智能识别关键技术》感兴趣，希望经纪人帮忙引荐、与成果方对接。相关技术需求：《寻求焊接机器人视觉引导技术》。',
      );
    });
  });

  it('sees the introduce button only on matches of its own demands', async () => {
    serve({
      'GET /api/v1/achievements/{id}': () => json(makeAchievement()),
      'GET /api/v1/achievements/{id}/matches': () =>
        json({ ...demandMatches, items: [...demandMatches.items, makeMatch({ kind: 'demand', id: 102, achievement: null, demand: makeDemand({ id: 102, title: '别家的需求', party: { organisation_id: 99, name: '别家公司', anonymous: false, contact_person: null, phone: null, email: null } }) })] }),
      'GET /api/v1/matches/feedback': () => json([]),
    });
    renderRoutes(routes, { path: '/listings/achievements/201', queryClient: as(makeUser()) });
    const items = await screen.findAllByTestId('match-item');
    expect(items).toHaveLength(2);
    expect(within(items[0]!).getByTestId('introduce-button')).toBeInTheDocument();
    expect(within(items[1]!).queryByTestId('introduce-button')).not.toBeInTheDocument();
    expect(within(items[0]!).queryByTestId('claim-button')).not.toBeInTheDocument();
  });
});

describe('the broker feed’s filters and pages', () => {
  const pair = { score: 0.9, relevance: 0.9, parts: { bm25: 0.9 }, reasons: makeMatch().reasons, new_side: 'demand', demand: makeDemand(), achievement: makeAchievement() };

  it('narrows by words and region, and pages on while there are more pairs', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/matches/feed': (request) => {
        const page = Number(new URL(request.url).searchParams.get('page'));
        return json({ items: [pair], since: '2026-11-09T00:00:00Z', field_codes: ['equipment.robotics'], page, page_size: 20, has_more: page < 2 });
      },
      'GET /api/v1/fields': () => json([]),
    });
    renderRoutes(routes, { path: '/broker/matches', queryClient: as(makeBrokerUser()) });
    await screen.findByTestId('match-item');

    await user.type(screen.getByLabelText('关键词'), '焊缝{Enter}');
    await user.type(screen.getByLabelText('地区'), '福州{Enter}');
    await waitFor(() => {
      const last = new URL(api.calls('GET', '/api/v1/matches/feed').at(-1)!.url).searchParams;
      expect([last.get('q'), last.get('region'), last.get('page')]).toEqual(['焊缝', '福州', '1']);
    });

    await user.click(screen.getByTestId('feed-next'));
    await waitFor(() => {
      expect(new URL(api.calls('GET', '/api/v1/matches/feed').at(-1)!.url).searchParams.get('page')).toBe('2');
    });
    expect(await screen.findByText('第 2 页')).toBeInTheDocument();
    await waitFor(() => {
      expect(screen.getByTestId('feed-next')).toBeDisabled();
    });
  });
});
