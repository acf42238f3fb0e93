import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import { routes } from '@/app/routes';
import { createQueryClient } from '@/app/queryClient';
import type { Challenge, ChallengeInvitation, ChallengeMilestone, ChallengeProposal } from '@/hooks/queries/challenges';
import { notificationLink } from '@/features/notifications/notificationText';
import { makeUser, renderRoutes, signIn } from '@/test/render';
import { json, page, serve } from '@/test/server';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

function challenge(overrides: Partial<Challenge> = {}): Challenge {
  return {
    id: 5, issuer_org_id: 10, bureau: false, title: '基板翘曲控制', problem: '回流焊后翘曲超标。',
    indicators: [{ name: '翘曲量', unit: 'mm', comparator: '≤', threshold: '0.1' }],
    prize: '500000.00', top_up: '0.00', total: '500000.00',
    milestones: [{ title: '样品验证', indicators: [], due_on: '2027-03-01', amount: '500000.00' }],
    eligibility: { regions: [], org_kinds: [], joint_teams: true }, review_criteria: [],
    deadline: '2099-01-15', proposals_close_at: '2099-01-15T16:00:00Z', demand_id: null, status: 'published',
    outcome_reason: null, published_at: null, closed_at: null, decided_at: null, ended_at: null, awards: [],
    is_issuer: false, ranking_departure_reason: null, issuer_name: '福州示例科技有限公司', ...overrides,
  };
}

function proposal(overrides: Partial<ChallengeProposal> = {}): ChallengeProposal {
  return {
    id: 31, challenge_id: 5, lead_org_id: 20, lead_org_name: null, member_org_ids: [], members: [], broker_id: null,
    approach: '低应力封装工艺', team: '王教授团队', indicators: [{ name: '翘曲量', unit: 'mm', comparator: '≤', threshold: '0.08' }],
    plan: [{ title: '样品', due_on: '2027-03-01', amount: '400000.00' }], budget: '400000.00', ip_arrangement: '共有',
    created_at: '2026-12-01T02:00:00Z', updated_at: '2026-12-01T02:00:00Z', revision: 1, frozen_sha256: null, frozen_at: null, ...overrides,
  };
}

function milestone(overrides: Partial<ChallengeMilestone> = {}): ChallengeMilestone {
  return {
    id: 71, award_id: 3, seq: 1, title: '样品验证', indicators: [], due_on: '2027-03-01', amount: '500000.00', status: 'submitted', late: false,
    evidence: '第三方检测：翘曲0.07 mm', evidence_at: '2027-02-20T03:00:00Z', decision_reason: null, decided_at: null, paid_amount: null,
    paid_on: null, payment_reference: null, receipt_status: null, receipt_reason: null, receipt_at: null, expert_checked_at: null, expert_check_note: null, expert_verdict: null,
    ...overrides,
  };
}

const member = makeUser({ id: 2, organisation: { id: 40, name: '福州传感有限公司', kind: 'firm', region: '福州市', verification_status: 'verified' } });

describe("a member organisation's invitations", () => {
  it('shows the challenge, the lead and the proposal, and agrees to join', async () => {
    const user = userEvent.setup();
    const queryClient = createQueryClient();
    signIn(queryClient, member);
    const invitation: ChallengeInvitation = {
      challenge: { id: 5, issuer_org_id: 10, bureau: false, title: '基板翘曲控制', prize: '500000.00', top_up: '0.00', deadline: '2099-01-15', status: 'published', issuer_name: '福州示例科技有限公司', winner_names: [] },
      proposal_id: 31, lead_org_id: 20, lead_org_name: '闽江工学院', status: 'invited', invited_at: '2026-12-01T02:00:00Z', answered_at: null,
    };
    const api = serve({
      'GET /api/v1/challenges/invitations': () => json([invitation]),
      'GET /api/v1/challenges/{id}/proposals/{pid}': () => json(proposal({ member_org_ids: [40], members: [{ org_id: 40, org_name: '福州传感有限公司', status: 'invited', answered_at: null }] })),
      'POST /api/v1/challenges/{id}/proposals/{pid}/membership': () => json(proposal()),
      'GET /api/v1/notifications': () => json(page([])),
    });
    renderRoutes(routes, { path: '/firm/challenges', queryClient });
    const card = await screen.findByTestId('invitation-31');
    expect(within(card).getByText('闽江工学院')).toBeInTheDocument();
    expect(await within(card).findByText('低应力封装工艺')).toBeInTheDocument();
    expect(within(card).getByText('2026-12-01 10:00')).toBeInTheDocument(); // Beijing time
    await user.click(within(card).getByTestId('invitation-accept-31'));
    await waitFor(() => expect(api.calls('POST', '/api/v1/challenges/5/proposals/31/membership')).toHaveLength(1));
    expect(await api.calls('POST', '/api/v1/challenges/5/proposals/31/membership')[0]!.json()).toEqual({ accept: true });
  });

  it('leads there from the notification, and a challenge notification to the challenge', () => {
    expect(notificationLink({ deal_id: null, kind: 'challenge.member_invited', title: '揭榜挂帅 #5：…' }, 'institute')).toBe('/institute/challenges');
    expect(notificationLink({ deal_id: null, kind: 'challenge.evidence_submitted', title: '揭榜挂帅 #5：里程碑成果待验收' }, 'firm')).toBe('/challenges/5');
  });
});

describe("the lead's proposal editor", () => {
  it('picks members by name and shows their answers', async () => {
    const user = userEvent.setup();
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser({ organisation: { id: 20, name: '闽江工学院', kind: 'institute', region: '福州市', verification_status: 'verified' }, role: 'institute' }));
    const own = proposal({ member_org_ids: [40], members: [{ org_id: 40, org_name: '福州传感有限公司', status: 'accepted', answered_at: '2026-12-02T02:00:00Z' }] });
    const api = serve({
      'GET /api/v1/challenges/{id}': () => json(challenge()),
      'GET /api/v1/challenges/{id}/proposals': () => json([own]),
      'GET /api/v1/challenges/{id}/partners': () => json([{ id: 41, name: '厦门光电有限公司', kind: 'firm', region: '厦门市' }]),
      'GET /api/v1/challenges/{id}/proposals/{pid}/files': () => json([]),
      'PUT /api/v1/challenges/{id}/proposals/{pid}': () => json(own),
      'GET /api/v1/notifications': () => json(page([])),
    });
    renderRoutes(routes, { path: '/challenges/5/proposal', queryClient });
    const consents = await screen.findByTestId('member-consents');
    expect(within(consents).getByText('已同意加入')).toBeInTheDocument();
    expect(screen.getByTestId('proposal-files-upload')).toBeInTheDocument();
    await user.type(screen.getByRole('combobox', { name: '联合体成员单位' }), '厦门');
    await user.click(await screen.findByText('厦门光电有限公司 · 企业 · 厦门市'));
    await waitFor(() => expect(api.calls('GET', '/api/v1/challenges/5/partners').length).toBeGreaterThan(0));
    expect(new URL(api.calls('GET', '/api/v1/challenges/5/partners').at(-1)!.url).searchParams.get('q')).toBe('厦门');
    await user.click(screen.getByTestId('proposal-submit'));
    await waitFor(() => expect(api.calls('PUT', '/api/v1/challenges/5/proposals/31')).toHaveLength(1));
    const body = (await api.calls('PUT', '/api/v1/challenges/5/proposals/31')[0]!.json()) as { member_org_ids: number[] };
    expect(body.member_org_ids).toEqual([40, 41]);
  });

  it('freezes the files after the deadline: download only', async () => {
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser({ organisation: { id: 20, name: '闽江工学院', kind: 'institute', region: '福州市', verification_status: 'verified' }, role: 'institute' }));
    serve({
      'GET /api/v1/challenges/{id}': () => json(challenge({ status: 'closed', deadline: '2026-01-15', proposals_close_at: '2026-01-15T16:00:00Z' })),
      'GET /api/v1/challenges/{id}/proposals': () => json([proposal({ frozen_sha256: 'ab'.repeat(32) })]),
      'GET /api/v1/challenges/{id}/proposals/{pid}/files': () =>
        json([{ id: 9, proposal_id: 31, milestone_id: null, filename: '检测报告.pdf', content_type: 'application/pdf', size: 2048, sha256: 'cd'.repeat(32), uploaded_at: '2026-01-10T02:00:00Z' }]),
      'GET /api/v1/notifications': () => json(page([])),
    });
    renderRoutes(routes, { path: '/challenges/5/proposal', queryClient });
    expect(await screen.findByText('检测报告.pdf')).toBeInTheDocument();
    expect(screen.getByTestId('proposal-files-download-9')).toBeEnabled();
    expect(screen.queryByTestId('proposal-files-upload')).toBeNull();
    expect(screen.queryByText('删除')).toBeNull();
  });
});

describe("the issuer's received proposals", () => {
  it('names each proposal by its lead organisation', async () => {
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser());
    serve({
      'GET /api/v1/challenges/{id}': () => json(challenge({ is_issuer: true, status: 'closed' })),
      'GET /api/v1/challenges/{id}/proposals': () => json([proposal({ lead_org_name: '闽江工学院' })]),
      'GET /api/v1/challenges/{id}/proposals/{pid}/files': () => json([]),
      'GET /api/v1/notifications': () => json(page([])),
    });
    renderRoutes(routes, { path: '/challenges/5', queryClient });
    const card = await screen.findByTestId('issuer-proposals');
    expect(await within(card).findByText(/^闽江工学院 · /)).toBeInTheDocument();
    expect(within(card).queryByText(/#31/)).toBeNull();
  });
});

describe('the milestone tracker', () => {
  const delivering = challenge({ status: 'in_delivery', milestone_expert_check: true, awards: [{ id: 3, proposal_id: 31, winner_org_id: 20, winner_name: '闽江工学院', amount: '500000.00', reason: '最优' }] as Challenge['awards'] });
  const evidenceFile = { id: 12, proposal_id: null, milestone_id: 71, filename: '第三方检测报告.pdf', content_type: 'application/pdf', size: 4096, sha256: 'ef'.repeat(32), uploaded_at: '2027-02-20T03:00:00Z' };

  it("keeps the issuer from accepting before the expert's check, says why, and shows the evidence files", async () => {
    const user = userEvent.setup();
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser());
    serve({
      'GET /api/v1/challenges/{id}': () => json({ ...delivering, is_issuer: true }),
      'GET /api/v1/challenges/{id}/milestones': () => json([milestone()]),
      'GET /api/v1/challenges/{id}/proposals': () => json([]),
      'GET /api/v1/challenges/{id}/milestones/{mid}/files': () => json([evidenceFile]),
      'GET /api/v1/notifications': () => json(page([])),
    });
    renderRoutes(routes, { path: '/challenges/5', queryClient });
    expect(await screen.findByText('本榜要求评审专家先确认里程碑成果，发榜方才能验收。')).toBeInTheDocument();
    expect(await screen.findByTestId('milestone-accept-71')).toBeDisabled();
    expect(screen.getByLabelText('评审专家尚未确认该里程碑的成果，确认后才能验收。')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: /展开行|Expand row/ }));
    expect(await screen.findByText('第三方检测报告.pdf')).toBeInTheDocument();
    expect(screen.getByText('第三方检测：翘曲0.07 mm')).toBeInTheDocument();
  });

  it("lets the seated expert confirm the evidence with remarks", async () => {
    const user = userEvent.setup();
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser({ id: 9, role: 'expert', organisation: null }));
    const api = serve({
      'GET /api/v1/challenges/{id}': () => json(delivering),
      'GET /api/v1/challenges/{id}/milestones': () => json([milestone()]),
      'POST /api/v1/challenges/{id}/milestones/{mid}/expert-check': () => json(milestone({ expert_checked_at: '2027-02-21T03:00:00Z', expert_check_note: '达标' })),
      'GET /api/v1/notifications': () => json(page([])),
    });
    renderRoutes(routes, { path: '/challenges/5', queryClient });
    await user.click(await screen.findByTestId('milestone-check-71'));
    await user.type(await screen.findByTestId('expert-check-note'), '报告与指标一致，达标');
    await user.click(screen.getByTestId('expert-check-ok'));
    await waitFor(() => expect(api.calls('POST', '/api/v1/challenges/5/milestones/71/expert-check')).toHaveLength(1));
    expect(await api.calls('POST', '/api/v1/challenges/5/milestones/71/expert-check')[0]!.json()).toEqual({ verdict: 'pass', note: '报告与指标一致，达标' });
  });

  it('lets the expert record a fail with its reason, which both sides then see and which keeps the issuer from accepting', async () => {
    const user = userEvent.setup();
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser({ id: 9, role: 'expert', organisation: null }));
    const api = serve({
      'GET /api/v1/challenges/{id}': () => json(delivering),
      'GET /api/v1/challenges/{id}/milestones': () => json([milestone()]),
      'POST /api/v1/challenges/{id}/milestones/{mid}/expert-check': () => json(milestone({ expert_checked_at: '2027-02-21T03:00:00Z', expert_check_note: '翘曲超标', expert_verdict: 'fail' })),
      'GET /api/v1/notifications': () => json(page([])),
    });
    renderRoutes(routes, { path: '/challenges/5', queryClient });
    await user.click(await screen.findByTestId('milestone-check-71'));
    await user.click(await screen.findByLabelText('不通过（未达到指标）'));
    await user.type(screen.getByTestId('expert-check-note'), '翘曲超标');
    await user.click(screen.getByTestId('expert-check-ok'));
    await waitFor(() => expect(api.calls('POST', '/api/v1/challenges/5/milestones/71/expert-check')).toHaveLength(1));
    expect(await api.calls('POST', '/api/v1/challenges/5/milestones/71/expert-check')[0]!.json()).toEqual({ verdict: 'fail', note: '翘曲超标' });
  });

  it('shows a failing verdict on the tracker and says why the issuer cannot accept', async () => {
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser());
    serve({
      'GET /api/v1/challenges/{id}': () => json({ ...delivering, is_issuer: true }),
      'GET /api/v1/challenges/{id}/milestones': () => json([milestone({ expert_checked_at: '2027-02-21T03:00:00Z', expert_check_note: '翘曲超标', expert_verdict: 'fail' })]),
      'GET /api/v1/challenges/{id}/proposals': () => json([]),
      'GET /api/v1/notifications': () => json(page([])),
    });
    renderRoutes(routes, { path: '/challenges/5', queryClient });
    expect(await screen.findByText('专家评审未通过')).toBeInTheDocument();
    expect(screen.getByText('翘曲超标')).toBeInTheDocument();
    expect(await screen.findByTestId('milestone-accept-71')).toBeDisabled();
    expect(screen.getByLabelText('评审专家认定该里程碑成果未通过，不能验收；可以驳回，待中榜方补充成果后重新评审。')).toBeInTheDocument();
  });
});
