import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { MatchPreview, MatchPreviewInput } from '@/api/types';
import { tokenStore } from '@/api/tokens';
import { createQueryClient } from '@/app/queryClient';
import { routes } from '@/app/routes';
import { FIELD_TREE, makeMatch } from '@/test/fixtures';
import { makeUser, renderRoutes, signIn } from '@/test/render';
import { json, serve } from '@/test/server';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

function signedInFirm() {
  const queryClient = createQueryClient();
  signIn(queryClient, makeUser({ organisation: { id: 10, name: '福州示例科技有限公司', kind: 'firm', region: '福州市', verification_status: 'verified' } }));
  return queryClient;
}

const vagueAnswer: MatchPreview = {
  source_kind: null,
  source_id: null,
  items: [],
  index_version: 1,
  profile: 'hash',
  predicted_fields: [],
  suggested_keywords: [],
  vague: true,
  hint_zh: '请描述现象、材料、数量、设备等，越具体越容易匹配。',
  hint_en: 'Say what happens, the material, quantities and machines.',
};

const helpfulAnswer: MatchPreview = {
  ...vagueAnswer,
  items: [makeMatch({ reasons: [{ code: 'phrases', params: {}, text_zh: '“翘起来” ↔ “翘曲控制”', text_en: '“warps” ↔ “warpage control”' }] })],
  predicted_fields: [{ id: 11, code: 'equipment.robotics', name_zh: '机器人', name_en: 'Robotics', probability: 0.62 }],
  suggested_keywords: ['残余应力', '翘曲'],
  vague: false,
  hint_zh: null,
  hint_en: null,
};

describe('drafting help on the demand form', () => {
  it('says a vague problem is vague, then suggests achievements, a field and keywords that one click adds', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/fields': () => json(FIELD_TREE),
      'POST /api/v1/matches/preview': async (request) => {
        const draft = (await request.json()) as MatchPreviewInput;
        return json(draft.text.length < 15 ? vagueAnswer : helpfulAnswer);
      },
    });
    renderRoutes(routes, { path: '/firm/demands/new', queryClient: signedInFirm() });

    const form = await screen.findByTestId('demand-form');
    const help = screen.getByTestId('draft-help');
    expect(within(help).getByText(/用自己的话写下遇到的问题/)).toBeInTheDocument();
    expect(api.calls('POST', '/api/v1/matches/preview')).toHaveLength(0);

    const description = within(form).getByLabelText('需求描述');
    await user.type(description, '产品老是出问题');
    expect(await within(help).findByTestId('draft-vague')).toHaveTextContent('请描述现象、材料、数量、设备等');

    await user.type(description, '，塑料盖子放一晚上就翘起来，扣不上底座');
    const match = await within(help).findByTestId('draft-match');
    expect(within(match).getByRole('link', { name: '焊缝智能识别关键技术' })).toHaveAttribute('target', '_blank');
    expect(within(match).getByText('“翘起来” ↔ “翘曲控制”')).toBeInTheDocument();
    expect(within(help).queryByTestId('draft-vague')).not.toBeInTheDocument();
    expect(within(help).getByTestId('draft-fields')).toHaveTextContent('机器人 62%');

    // Typing settles before asking: not one request per keystroke.
    const sent = api.calls('POST', '/api/v1/matches/preview');
    expect(sent.length).toBeLessThanOrEqual(3);
    const last = (await sent.at(-1)!.json()) as MatchPreviewInput;
    expect(last).toMatchObject({ kind: 'demand', text: '产品老是出问题，塑料盖子放一晚上就翘起来，扣不上底座', keywords: [], top_k: 5 });

    await user.click(within(help).getByRole('button', { name: '添加关键词“残余应力”' }));
    await waitFor(() => {
      expect(within(help).queryByRole('button', { name: '添加关键词“残余应力”' })).not.toBeInTheDocument();
    });
    expect(within(form).getByTitle('残余应力')).toBeInTheDocument();

    await user.click(within(help).getByRole('button', { name: '把领域设为“机器人”' }));
    expect(await within(form).findByTitle('机器人')).toBeInTheDocument();
    await waitFor(async () => {
      const again = (await api.calls('POST', '/api/v1/matches/preview').at(-1)!.json()) as MatchPreviewInput;
      expect(again).toMatchObject({ keywords: ['残余应力'], field_id: 11 });
    });
  });

  it('asks for the demands a draft achievement could meet', async () => {
    const user = userEvent.setup({ delay: null });
    const api = serve({
      'GET /api/v1/fields': () => json(FIELD_TREE),
      'POST /api/v1/matches/preview': () => json(vagueAnswer),
    });
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser({ role: 'institute', organisation: { id: 20, name: '厦门示例大学', kind: 'institute', region: '厦门市', verification_status: 'verified' } }));
    renderRoutes(routes, { path: '/institute/achievements/new', queryClient });

    const form = await screen.findByTestId('achievement-form');
    expect(screen.getByTestId('draft-help')).toHaveTextContent('这项成果可能满足的需求');
    await user.type(within(form).getByLabelText('成果简介'), '注塑件残余应力与翘曲控制技术');
    await waitFor(() => {
      expect(api.calls('POST', '/api/v1/matches/preview')).toHaveLength(1);
    });
    expect(await api.calls('POST', '/api/v1/matches/preview')[0]!.json()).toMatchObject({ kind: 'achievement', text: '注塑件残余应力与翘曲控制技术', fit: false });
  });
});

describe('drafting help in words', () => {
  it('says how close a suggested achievement is in words, never as a cosine or a model name', async () => {
    const user = userEvent.setup({ delay: null });
    const semanticOnly: MatchPreview = {
      ...helpfulAnswer,
      items: [makeMatch({ score: 0.9, relevance: 0.2, reasons: [{ code: 'semantic', params: { similarity: 0.2, cosine: 0.801, encoder: 'e5' }, text_zh: '语义相似度 0.80（e5）', text_en: 'Semantic similarity 0.80 (e5)' }] })],
    };
    serve({
      'GET /api/v1/fields': () => json(FIELD_TREE),
      'POST /api/v1/matches/preview': () => json(semanticOnly),
    });
    renderRoutes(routes, { path: '/firm/demands/new', queryClient: signedInFirm() });
    const form = await screen.findByTestId('demand-form');
    await user.type(within(form).getByLabelText('需求描述'), '我们厂注塑件老是有气泡和缩痕，良品率上不去');
    const match = await within(screen.getByTestId('draft-help')).findByTestId('draft-match');
    // E5's cosine 0.801 is a median unrelated pair (similarity 0.2 on the common scale):
    // said as a loose relation, in words, not as “非常相近” nor as a number.
    expect(match).toHaveTextContent('您描述的问题与该成果解决的问题有一定关联');
    expect(match).not.toHaveTextContent(/0\.80|e5/);
  });
});
