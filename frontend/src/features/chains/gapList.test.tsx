import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useLocation } from 'react-router';

import type { components } from '@/api/schema';
import { tokenStore } from '@/api/tokens';
import { createQueryClient } from '@/app/queryClient';
import { makeUser, renderRoutes, signIn } from '@/test/render';

import { GapList } from './ChainsPage';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

const CHAIN = { id: 4, code: 'wz', name_zh: '温州泵阀产业链', name_en: 'Wenzhou pumps', region: '温州市', version: 1, updated_at: '2026-12-01T00:00:00Z', description: '', is_dag: true, nodes: [], edges: [] } as components['schemas']['ChainOut'];
const GAP: components['schemas']['GapOut'] = { node_key: 'mech_seals', name_zh: '机械密封', name_en: 'Mechanical seals', unmet_demands: 2, marks: ['bottleneck'], best_achievements: [] };

function Where() {
  const location = useLocation();
  return <p>at {location.pathname + location.search}</p>;
}

describe('the gap list', () => {
  it('opens the challenge editor for the gap’s chain and node', async () => {
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser());
    renderRoutes(
      [
        { path: '/chains', element: <GapList chain={CHAIN} gaps={[GAP]} /> },
        { path: '/challenges/new', element: <Where /> },
      ],
      { path: '/chains', queryClient },
    );
    expect(screen.getByText('卡脖子')).toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole('button', { name: '发布揭榜挂帅榜单' }));
    expect(await screen.findByText('at /challenges/new?chain=4&node=mech_seals')).toBeInTheDocument();
  });

  it('offers no challenge to an institute', () => {
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser({ role: 'institute' }));
    renderRoutes([{ path: '/chains', element: <GapList chain={CHAIN} gaps={[GAP]} /> }], { path: '/chains', queryClient });
    expect(screen.queryByRole('button', { name: '发布揭榜挂帅榜单' })).toBeNull();
  });
});
