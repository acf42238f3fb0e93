import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { components } from '@/api/schema';
import { tokenStore } from '@/api/tokens';
import { createQueryClient } from '@/app/queryClient';
import { routes } from '@/app/routes';
import { makeAdminUser, renderRoutes, signIn } from '@/test/render';
import { windowWidth } from '@/test/media';
import { json, serve } from '@/test/server';

import { layout, MARK_COLOUR, OK_COLOUR } from './graph';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

const node = (key: string, stage: 'materials' | 'components', marks: components['schemas']['NodeIn']['marks'] = []) => ({
  key,
  stage,
  name_zh: key === 'seal' ? '机械密封' : '泵体铸件',
  name_en: key,
  description: '',
  keywords: [],
  field_codes: [],
  marks,
});
const CHAIN = {
  id: 4,
  code: 'wz',
  name_zh: '温州泵阀产业链',
  name_en: 'Wenzhou pumps',
  region: '温州市',
  version: 3,
  updated_at: '2026-12-01T00:00:00Z',
  description: '',
  is_dag: true,
  nodes: [node('casting', 'materials'), node('seal', 'components', [{ kind: 'bottleneck', reason: '供应单一', evidence: '', marked_on: '2026-11-01' }])],
  edges: [{ source: 'casting', target: 'seal', note: '' }],
} as unknown as components['schemas']['ChainOut'];

describe('the chain editor', () => {
  it('shows the graph of the version being edited above its forms, read-only', async () => {
    serve({ 'GET /api/v1/chains/{id}': () => json(CHAIN), 'GET /api/v1/chains/{id}/versions': () => json([]) });
    const queryClient = createQueryClient();
    signIn(queryClient, makeAdminUser());
    renderRoutes(routes, { path: '/admin/chains/4', queryClient });
    const graph = await screen.findByTestId('chain-editor-graph', undefined, { timeout: 20_000 });
    const card = graph.closest<HTMLElement>('.ant-card')!;
    expect(within(card).getByText('图谱预览')).toBeInTheDocument();
    expect(within(card).getByText('正在编辑的版本（基于第 3 版，保存后生效；只读）')).toBeInTheDocument();
  }, 60_000);

  it('on a phone keeps the title, puts the note under it and lets the graph scroll sideways', async () => {
    windowWidth(390);
    serve({ 'GET /api/v1/chains/{id}': () => json(CHAIN), 'GET /api/v1/chains/{id}/versions': () => json([]) });
    const queryClient = createQueryClient();
    signIn(queryClient, makeAdminUser());
    renderRoutes(routes, { path: '/admin/chains/4', queryClient });
    const graph = await screen.findByTestId('chain-editor-graph', undefined, { timeout: 20_000 });
    const scroll = screen.getByTestId('chain-editor-graph-scroll');
    expect(scroll).toHaveStyle({ overflowX: 'auto' });
    expect(scroll).toContainElement(graph);
    const card = graph.closest<HTMLElement>('.ant-card');
    if (card === null) throw new Error('the graph is not in a card');
    expect(card.querySelector('.ant-card-extra')).toBeNull();
    expect(within(card).getByText('图谱预览')).toBeInTheDocument();
    expect(within(card).getByText('正在编辑的版本（基于第 3 版，保存后生效；只读）')).toBeInTheDocument();
  }, 60_000);

  it('colours a previewed node by its marks, having no figures yet', () => {
    const placed = layout({ nodes: CHAIN.nodes, edges: CHAIN.edges }, null, (key) => key);
    expect(placed.map((n) => [n.id, n.x, n.colour])).toEqual([
      ['casting', 0, OK_COLOUR],
      ['seal', 220, MARK_COLOUR],
    ]);
  });
});
