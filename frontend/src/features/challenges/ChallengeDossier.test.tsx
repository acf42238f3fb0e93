import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import type { DossierStatus } from '@/api/types';
import { createQueryClient } from '@/app/queryClient';
import type { Challenge } from '@/hooks/queries/challenges';
import { makeUser, renderWithProviders, signIn } from '@/test/render';
import { json, serve } from '@/test/server';

import { ChallengeDossier } from './ChallengeDossier';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

const CHALLENGE = { id: 7, title: '大尺寸基板翘曲控制技术', status: 'published', is_issuer: false, has_dossier: true } as Challenge;
const TERMS = { id: 1, organisation_id: 10, version: 1, text: '保密协议全文：不得向第三方披露。', created_at: '2026-12-01T02:00:00Z' };
const CONTENT = { id: 9, demand_id: null, draft_id: null, financing_request_id: null, challenge_id: 7, details: '基板叠层结构与翘曲实测数据（保密）', volumes: '', budget: null, files: [], updated_at: '2026-12-07T02:00:00Z' };
const INSTITUTE = { id: 20, name: '福州大学', kind: 'institute', region: '福州市', verification_status: 'verified' } as const;

describe("a challenge's confidential dossier", () => {
  it('shows a solver nothing of the content until the issuer grants access and the terms are accepted', async () => {
    let status: DossierStatus = { dossier_id: 9, demand_id: null, financing_request_id: null, challenge_id: 7, owner: false, reviewer: false, access: null, terms_version: 1, terms_accepted: false, can_view: false };
    const api = serve({
      'GET /api/v1/challenges/{id}/dossier': () => json(status),
      'POST /api/v1/dossiers/{id}/access-requests': () => {
        status = { ...status, access: 'requested' };
        return json(status, 201);
      },
      'GET /api/v1/dossiers/{id}/terms': () => json(TERMS),
      'POST /api/v1/dossiers/{id}/terms/accept': () => {
        status = { ...status, terms_accepted: true, can_view: true };
        return json({ terms_id: 1, version: 1, user_id: 3, accepted_at: '2026-12-07T02:00:00Z' });
      },
      'GET /api/v1/dossiers/{id}': () => json(CONTENT),
    });
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser({ id: 3, role: 'institute', organisation: INSTITUTE }));
    const view = renderWithProviders(<ChallengeDossier c={CHALLENGE} />, { queryClient });
    const user = userEvent.setup();

    await user.click(await screen.findByTestId('challenge-dossier-open'));
    expect(screen.getByText(/本榜单附有保密资料/)).toBeInTheDocument();
    await user.click(await screen.findByTestId('dossier-request'));
    await waitFor(() => expect(api.calls('POST', '/api/v1/dossiers/9/access-requests')).toHaveLength(1));
    expect(await screen.findByText('已申请，等待发榜方授权。')).toBeInTheDocument();
    expect(screen.queryByTestId('dossier-content')).toBeNull();
    expect(api.calls('GET', '/api/v1/dossiers/9')).toHaveLength(0);

    // The issuer grants access: the solver reads and accepts the terms, then the content shows.
    status = { ...status, access: 'granted' };
    await view.queryClient.invalidateQueries();
    await user.click(await screen.findByTestId('terms-read'));
    expect(await screen.findByTestId('terms-text')).toHaveTextContent('不得向第三方披露');
    await user.click(screen.getByTestId('terms-accept'));
    expect(await screen.findByTestId('dossier-content')).toHaveTextContent('基板叠层结构与翘曲实测数据（保密）');
  });

  it('lets a seated reviewer read it after the terms, without asking', async () => {
    let status: DossierStatus = { dossier_id: 9, demand_id: null, financing_request_id: null, challenge_id: 7, owner: false, reviewer: true, access: null, terms_version: 2, terms_accepted: false, can_view: false };
    const api = serve({
      'GET /api/v1/challenges/{id}/dossier': () => json(status),
      'GET /api/v1/dossiers/{id}/terms': () => json({ ...TERMS, version: 2 }),
      'POST /api/v1/dossiers/{id}/terms/accept': () => {
        status = { ...status, terms_accepted: true, can_view: true };
        return json({ terms_id: 1, version: 2, user_id: 4, accepted_at: '2026-12-07T02:00:00Z' });
      },
      'GET /api/v1/dossiers/{id}': () => json(CONTENT),
    });
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser({ id: 4, role: 'expert', organisation: null }));
    renderWithProviders(<ChallengeDossier c={{ ...CHALLENGE, status: 'under_review' }} />, { queryClient });
    const user = userEvent.setup();

    expect(await screen.findByText(/您是本榜单的评审专家/)).toBeInTheDocument();
    expect(screen.queryByTestId('dossier-request')).toBeNull();
    await user.click(screen.getByTestId('terms-read'));
    await user.click(await screen.findByTestId('terms-accept'));
    expect(await screen.findByTestId('dossier-content')).toHaveTextContent('基板叠层结构');
    expect(api.calls('POST', '/api/v1/dossiers/9/access-requests')).toHaveLength(0);
  });

  it('gives the issuer the editor, and shows nothing to whom the challenge has no dossier', async () => {
    const api = serve({
      'PUT /api/v1/challenges/{id}/dossier': () => json(CONTENT),
    });
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser({ id: 5, role: 'firm' }));
    const view = renderWithProviders(<ChallengeDossier c={{ ...CHALLENGE, is_issuer: true, has_dossier: false, status: 'draft' }} />, { queryClient });
    const user = userEvent.setup();
    expect(await screen.findByTestId('challenge-dossier-issuer')).toBeInTheDocument();
    // The challenge's own alert explains the dossier; not the demand's line ("…写在需求里").
    expect(screen.queryByText(/公开摘要写在需求里/)).toBeNull();
    await user.type(screen.getByTestId('dossier-details'), '基板叠层结构');
    await user.click(screen.getByTestId('dossier-save'));
    await waitFor(() => expect(api.calls('PUT', '/api/v1/challenges/7/dossier')).toHaveLength(1));
    view.unmount();

    const solver = createQueryClient();
    signIn(solver, makeUser({ id: 3, role: 'institute', organisation: INSTITUTE }));
    renderWithProviders(<ChallengeDossier c={{ ...CHALLENGE, has_dossier: false }} />, { queryClient: solver });
    expect(screen.queryByText('保密资料')).toBeNull();
    expect(screen.queryByTestId('challenge-dossier-open')).toBeNull();
    expect(api.calls('GET', '/api/v1/challenges/7/dossier')).toHaveLength(0);
  });
});
