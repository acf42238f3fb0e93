import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import { createQueryClient } from '@/app/queryClient';
import { routes } from '@/app/routes';
import { makeUser, renderRoutes, signIn } from '@/test/render';
import { json, page, serve } from '@/test/server';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

describe('the firm’s dossiers', () => {
  it('lists its financing requests’ dossiers beside its demands’, each leading to where it is managed', async () => {
    serve({
      'GET /api/v1/dossiers': () =>
        json([
          { id: 9, demand_id: null, financing_request_id: 12, title: '中试线扩产融资', requested: 1, granted: 0, views: 0, updated_at: '2026-12-01T02:00:00Z' },
          { id: 7, demand_id: 101, financing_request_id: null, title: '寻求焊接机器人视觉引导技术', requested: 0, granted: 2, views: 3, updated_at: '2026-11-30T02:00:00Z' },
        ]),
      'GET /api/v1/nda-terms': () => json([]),
      'GET /api/v1/demands': () => json(page([])),
    });
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser());
    renderRoutes(routes, { path: '/firm/dossiers', queryClient });
    const financing = await screen.findByRole('link', { name: '中试线扩产融资' });
    expect(financing).toHaveAttribute('href', '/firm/financing/12');
    expect(within(financing.closest('tr')!).getByText('融资需求')).toBeInTheDocument();
    const demand = screen.getByRole('link', { name: '寻求焊接机器人视觉引导技术' });
    expect(demand).toHaveAttribute('href', '/firm/dossiers/7');
    expect(within(demand.closest('tr')!).getByText('技术需求')).toBeInTheDocument();
  });
});
