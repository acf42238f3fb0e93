import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import type { ExpertCandidate, PocRequest } from '@/api/types';
import { createQueryClient } from '@/app/queryClient';
import { routes } from '@/app/routes';
import { makeAdminUser, renderRoutes, signIn } from '@/test/render';
import { json, serve } from '@/test/server';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

const REQUEST: PocRequest = {
  id: 3, achievement_id: 9, achievement_title: '焊缝智能识别关键技术', organisation_id: 4, organisation_name: '闽江理工大学',
  field_code: 'equipment.robotics', note: '', publish_summary: true, mix: ['scientist', 'entrepreneur', 'investor'], status: 'panel',
  admin_note: null, created_at: '2026-12-01T02:00:00Z', accepted_at: '2026-12-02T02:00:00Z', decided_at: null, decided_on: null,
  declared_trl: 6, reviewed_trl: null, score: null, summary: null, needs_attention: false,
  panel: [
    { id: 11, expert_id: 21, expert_name: '陈立新', organisation_name: '福州大学', kind: 'scientist', similarity: '0.41', status: 'proposed', submitted_at: null },
    { id: 12, expert_id: 22, expert_name: '林海峰', organisation_name: '某装备公司', kind: 'entrepreneur', similarity: '0.30', status: 'proposed', submitted_at: null },
    { id: 13, expert_id: 23, expert_name: '王若琳', organisation_name: '某基金', kind: 'investor', similarity: '0.28', status: 'proposed', submitted_at: null },
  ],
};

const CANDIDATES: ExpertCandidate[] = [
  { expert_id: 24, name: '赵一', organisation_name: '某研究院', kind: 'scientist', similarity: '0.35', load: 1, yearly_capacity: 6, conflicts: [] },
  { expert_id: 25, name: '钱二', organisation_name: '闽江理工大学', kind: 'scientist', similarity: '0.52', load: 0, yearly_capacity: 6,
    conflicts: [{ kind: 'related_party', message_zh: '所在单位「某公司」与该机构：同一股东 张某', message_en: 'x' }] },
];

describe('the administrators’ proof-of-concept page', () => {
  it('shows each candidate’s conflicts in words and swaps a conflict-free one into the seat of its kind', async () => {
    const user = userEvent.setup();
    const queryClient = createQueryClient();
    signIn(queryClient, makeAdminUser());
    const api = serve({
      'GET /api/v1/poc-requests': () => json([REQUEST]),
      'GET /api/v1/poc-requests/stats': () => json({ total: { field_code: '', requests: 1, decided: 0, passed: 0, pass_rate: null, median_days_to_decision: null }, by_field: [] }),
      'GET /api/v1/poc-requests/{id}/candidates': () => json(CANDIDATES),
      'GET /api/v1/poc-requests/{id}/report': () => json({ request: REQUEST, aggregate: null, reviews: [] }),
      'POST /api/v1/poc-requests/{id}/swap': () => json(REQUEST),
    });
    renderRoutes(routes, { path: '/admin/poc', queryClient });
    expect(await screen.findByText('焊缝智能识别关键技术')).toBeInTheDocument();
    await user.click(screen.getAllByRole('button', { name: /展开行|Expand row/ })[0]!);
    expect(await screen.findByText('关联关系：所在单位「某公司」与该机构：同一股东 张某')).toBeInTheDocument();
    const conflicted = screen.getByText('钱二（闽江理工大学）').closest('tr')!;
    expect(within(conflicted).queryByRole('button')).toBeNull();
    const free = screen.getByText('赵一（某研究院）').closest('tr')!;
    expect(within(free).getByText('35%')).toBeInTheDocument(); // field fit in words, not 0.35
    expect(screen.getByText('领域匹配度 41%')).toBeInTheDocument();
    await user.click(within(free).getByRole('button', { name: '替换 陈立新' }));
    await waitFor(() => expect(api.calls('POST', '/api/v1/poc-requests/3/swap')).toHaveLength(1));
    expect(await api.calls('POST', '/api/v1/poc-requests/3/swap')[0]!.json()).toEqual({ assignment_id: 11, expert_id: 24 });
  });
});
