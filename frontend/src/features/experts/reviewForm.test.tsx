import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import type { Criterion, ReviewAssignment, ReviewInput } from '@/api/types';
import { createQueryClient } from '@/app/queryClient';
import { routes } from '@/app/routes';
import { makeUser, renderRoutes, renderWithProviders, signIn } from '@/test/render';
import { makeAchievement } from '@/test/fixtures';
import { json, serve } from '@/test/server';

import { PocBadge } from './PocPages';
import { ReviewForm } from './ReviewForm';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

const FORM: Criterion[] = [
  { code: 'technical_maturity', weight: '0.30', low: 1, high: 5 },
  { code: 'ip_strength', weight: '0.20', low: 1, high: 5 },
  { code: 'market_size', weight: '0.20', low: 1, high: 5 },
  { code: 'team', weight: '0.15', low: 1, high: 5 },
  { code: 'cost_to_pilot', weight: '0.15', low: 1, high: 5 },
];

async function scoreAll(user: ReturnType<typeof userEvent.setup>, value: number) {
  for (const name of ['技术成熟度', '知识产权强度与自由实施', '市场规模', '团队', '中试成本（越低分越高）']) {
    await user.click(within(screen.getByLabelText(name)).getByText(String(value)));
  }
}

function seat(overrides: Partial<ReviewAssignment> = {}): ReviewAssignment {
  return {
    id: 5, request_id: 3, status: 'accepted', kind: 'scientist', achievement_id: 9, achievement_title: '焊缝智能识别关键技术',
    achievement_abstract: '基于深度学习的焊缝识别。', declared_trl: 6, request_note: '请评估中试可行性', form: FORM, mine: null, others: null,
    ...overrides,
  };
}

describe('the review form', () => {
  it('is built from the criteria, refuses a criterion left unscored, and sends scores, comments, recommendation, TRL and note', async () => {
    const user = userEvent.setup();
    const submitted: ReviewInput[] = [];
    renderWithProviders(<ReviewForm criteria={FORM} submitting={false} onSubmit={(body) => submitted.push(body)} />);
    expect(screen.getAllByRole('radio')).toHaveLength(FORM.length * 5 + 3); // + the recommendation's three
    await user.click(within(screen.getByLabelText('技术成熟度')).getByText('4'));
    await user.click(screen.getByRole('button', { name: /提交评审/ }));
    expect(await screen.findAllByText('请为每一项评分')).not.toHaveLength(0);
    expect(submitted).toEqual([]);

    await scoreAll(user, 3);
    await user.click(within(screen.getByLabelText('技术成熟度')).getByText('5'));
    await user.type(screen.getAllByLabelText('意见')[3]!, '团队完整');
    await user.click(screen.getByLabelText('建议通过'));
    await user.type(screen.getByLabelText('您评定的技术成熟度（1–9）'), '5');
    await user.type(screen.getByLabelText('给组织方的保密意见（仅组织方可见）'), '负责人兼职较多');
    await user.click(screen.getByRole('button', { name: /提交评审/ }));
    await waitFor(() => expect(submitted).toHaveLength(1));
    expect(submitted[0]).toEqual({
      scores: { technical_maturity: 5, ip_strength: 3, market_size: 3, team: 3, cost_to_pilot: 3 },
      comments: { team: '团队完整' },
      recommendation: 'pass',
      trl: 5,
      confidential_note: '负责人兼职较多',
    });
  });

  it("hides the other reviews until the expert's own is in, then shows them", async () => {
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser({ role: 'expert', organisation: null }));
    const api = serve({ 'GET /api/v1/review-assignments/{id}': () => json(seat()) });
    renderRoutes(routes, { path: '/expert/reviews/5', queryClient });
    expect(await screen.findByText('提交本人评审后可查看其他专家的评分。')).toBeInTheDocument();
    expect(screen.queryByText('其他专家的评分')).not.toBeInTheDocument();
    expect(api.calls('GET', '/api/v1/review-assignments/5')).toHaveLength(1);
  });

  it('shows the others once submitted', async () => {
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser({ role: 'expert', organisation: null }));
    const review = (id: number, team: number) => ({
      assignment_id: id, kind: 'investor' as const, scores: { technical_maturity: 4, ip_strength: 4, market_size: 4, team, cost_to_pilot: 4 },
      comments: {}, recommendation: 'pass' as const, trl: 5, overall: '4.00', outlier: false, confidential_note: null,
    });
    serve({ 'GET /api/v1/review-assignments/{id}': () => json(seat({ status: 'submitted', mine: review(5, 4), others: [review(6, 2)] })) });
    renderRoutes(routes, { path: '/expert/reviews/5', queryClient });
    expect(await screen.findByText('其他专家的评分')).toBeInTheDocument();
    expect(screen.queryByText('提交本人评审后可查看其他专家的评分。')).not.toBeInTheDocument();
    expect(screen.getByRole('columnheader', { name: '#2 投资人' })).toBeInTheDocument();
  });
});

describe('the proof-of-concept badge on a listing', () => {
  it('shows the badge with its date and the reviewed TRL beside the declared one', () => {
    renderWithProviders(<PocBadge achievement={makeAchievement({ trl: 6, reviewed_trl: 5, poc_passed_on: '2026-12-01', poc_summary: '专家组建议通过' })} />);
    expect(screen.getByTestId('poc-badge')).toHaveTextContent('通过概念验证 · 2026-12-01');
    expect(screen.getByTestId('poc-badge')).toHaveTextContent('评审技术成熟度 5 · 自报技术成熟度 6');
    expect(screen.getByText('专家组建议通过')).toBeInTheDocument();
  });

  it('shows nothing for an achievement never reviewed', () => {
    renderWithProviders(<PocBadge achievement={makeAchievement()} />);
    expect(screen.queryByTestId('poc-badge')).not.toBeInTheDocument();
  });
});
