import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import { routes } from '@/app/routes';
import { createQueryClient } from '@/app/queryClient';
import type { Challenge } from '@/hooks/queries/challenges';
import { makeUser, renderRoutes, signIn } from '@/test/render';
import { json, page, problem, serve } from '@/test/server';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

function draft(overrides: Partial<Challenge> = {}): Challenge {
  return {
    id: 5, issuer_org_id: 10, bureau: false, title: '基板翘曲控制', problem: '回流焊后翘曲超标。',
    indicators: [{ name: '翘曲量', unit: 'mm', comparator: '≤', threshold: '0.1' }],
    prize: '500000.00', top_up: '0.00', total: '500000.00',
    milestones: [{ title: '样品验证', indicators: [], due_on: '2027-03-01', amount: '500000.00' }],
    eligibility: { regions: [], org_kinds: [], joint_teams: true }, review_criteria: [],
    deadline: '2027-01-15', proposals_close_at: '2027-01-15T16:00:00Z', demand_id: null, status: 'draft',
    outcome_reason: null, published_at: null, closed_at: null, decided_at: null, ended_at: null, awards: [],
    is_issuer: true, ranking_departure_reason: null, issuer_name: '福州示例科技有限公司', ...overrides,
  };
}

describe("the issuer's challenge editor", () => {
  it("pre-fills title and problem from a chain's gap", async () => {
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser());
    const api = serve({
      'GET /api/v1/chains/{chain_id}/gaps/{node_key}/challenge-draft': () => json({ title: '【卡脖子】机械密封关键技术攻关', problem: '温州泵阀 · 机械密封', demand_id: null, node_key: 'seal' }),
      'GET /api/v1/demands': () => json(page([])),
      'GET /api/v1/notifications': () => json(page([])),
    });
    renderRoutes(routes, { path: '/challenges/new?chain=3&node=seal', queryClient });
    expect(await screen.findByDisplayValue('【卡脖子】机械密封关键技术攻关')).toBeInTheDocument();
    expect(screen.getByDisplayValue('温州泵阀 · 机械密封')).toBeInTheDocument();
    expect(api.calls('GET', '/api/v1/chains/3/gaps/seal/challenge-draft')).toHaveLength(1);
  });

  it("puts the API's field errors next to their fields, in words", async () => {
    const user = userEvent.setup();
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser());
    const api = serve({
      'GET /api/v1/challenges/{id}': () => json(draft()),
      'PUT /api/v1/challenges/{id}': () =>
        problem(422, 'Please check: milestones.0.amount', { errors: [{ field: 'milestones.0.amount', message: '数值过小。Input should be greater than 0' }] }),
      'GET /api/v1/demands': () => json(page([])),
      'GET /api/v1/notifications': () => json(page([])),
    });
    renderRoutes(routes, { path: '/challenges/5/edit', queryClient });
    expect(await screen.findByDisplayValue('基板翘曲控制')).toBeInTheDocument();
    await user.click(screen.getByTestId('challenge-save'));
    await waitFor(() => expect(api.calls('PUT', '/api/v1/challenges/5')).toHaveLength(1));
    const body = (await api.calls('PUT', '/api/v1/challenges/5')[0]!.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ title: '基板翘曲控制', prize: '500000.00', deadline: '2027-01-15' });
    expect(await screen.findByText('数值过小。')).toBeInTheDocument();
    expect(screen.queryByText(/milestones\.0/)).toBeNull();
  });
});
