import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import type { DossierStatus, FinancingRequest } from '@/api/types';
import { createQueryClient } from '@/app/queryClient';
import { makeUser, renderWithProviders, signIn } from '@/test/render';
import { json, serve } from '@/test/server';

import { InvestorFinancingDossier, OwnerFinancingDossier } from './FinancingDossier';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

const REQUEST = { id: 5, title: '工业机器人视觉检测中试线', status: 'published', has_dossier: true } as FinancingRequest;

describe("the investor's financing dossier card", () => {
  it('shows nothing of the content until the owner grants access and the terms are accepted', async () => {
    let status: DossierStatus = { dossier_id: 9, demand_id: null, financing_request_id: 5, owner: false, access: null, terms_version: 1, terms_accepted: false, can_view: false };
    const api = serve({
      'GET /api/v1/financing-requests/{id}/dossier': () => json(status),
      'POST /api/v1/dossiers/{id}/access-requests': () => {
        status = { ...status, access: 'requested' };
        return json(status, 201);
      },
      'GET /api/v1/dossiers/{id}/terms': () => json({ id: 1, organisation_id: 10, version: 1, text: '保密协议全文：不得向第三方披露。', created_at: '2026-12-01T02:00:00Z' }),
      'POST /api/v1/dossiers/{id}/terms/accept': () => {
        status = { ...status, terms_accepted: true, can_view: true };
        return json({ terms_id: 1, version: 1, user_id: 3, accepted_at: '2026-12-07T02:00:00Z' });
      },
      'GET /api/v1/dossiers/{id}': () =>
        json({ id: 9, demand_id: null, draft_id: null, financing_request_id: 5, details: '良率与财务数据（保密）', volumes: '', budget: null, files: [], updated_at: '2026-12-07T02:00:00Z' }),
    });
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser({ id: 3, role: 'investor', organisation: { id: 20, name: '海峡创投', kind: 'investor', region: '福州市', verification_status: 'verified' } }));
    const view = renderWithProviders(<InvestorFinancingDossier request={REQUEST} />, { queryClient });
    const user = userEvent.setup();

    await user.click(await screen.findByTestId('financing-dossier-open'));
    await user.click(await screen.findByTestId('dossier-request'));
    await waitFor(() => expect(api.calls('POST', '/api/v1/dossiers/9/access-requests')).toHaveLength(1));
    expect(await screen.findByText('已申请，等待融资方授权。')).toBeInTheDocument();
    expect(screen.queryByTestId('dossier-content')).toBeNull();
    expect(api.calls('GET', '/api/v1/dossiers/9')).toHaveLength(0);

    // The owner grants access: the investor reads and accepts the terms, then the content shows.
    status = { ...status, access: 'granted' };
    await view.queryClient.invalidateQueries();
    await user.click(await screen.findByTestId('terms-read'));
    expect(await screen.findByTestId('terms-text')).toHaveTextContent('不得向第三方披露');
    await user.click(screen.getByTestId('terms-accept'));
    expect(await screen.findByTestId('dossier-content')).toHaveTextContent('良率与财务数据（保密）');
  });
});

describe("the owner's financing dossier card", () => {
  const status: DossierStatus = { dossier_id: 9, demand_id: null, financing_request_id: 5, owner: true, access: null, terms_version: 1, terms_accepted: true, can_view: true };
  const dossier = { id: 9, demand_id: null, draft_id: null, financing_request_id: 5, details: '良率与财务数据（保密）', volumes: '', budget: null, files: [], updated_at: '2026-12-07T02:00:00Z' };
  const routes = {
    'GET /api/v1/financing-requests/{id}/dossier': () => json(status),
    'GET /api/v1/dossiers/{id}': () => json(dossier),
    'GET /api/v1/dossiers/{id}/access': () => json([]),
    'GET /api/v1/dossiers/{id}/views': () => json([]),
  };

  it('offers the upload while the request is open and hides it once it is closed', async () => {
    serve(routes);
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser());
    const view = renderWithProviders(<OwnerFinancingDossier request={REQUEST} />, { queryClient });
    expect(await screen.findByText('上传图纸或文件')).toBeInTheDocument();
    view.unmount();
    renderWithProviders(<OwnerFinancingDossier request={{ ...REQUEST, status: 'closed' }} />, { queryClient });
    expect(await screen.findByTestId('dossier-details')).toBeInTheDocument();
    expect(screen.queryByText('上传图纸或文件')).toBeNull();
  });
});
