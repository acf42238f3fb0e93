import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import type { DossierStatus } from '@/api/types';
import { createQueryClient } from '@/app/queryClient';
import { makeUser, renderWithProviders, signIn } from '@/test/render';
import { json, serve } from '@/test/server';

import { DossierPanel } from './DossierPanel';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

const STATUS: DossierStatus = { dossier_id: 9, demand_id: 7, financing_request_id: null, owner: false, access: null, terms_version: 1, terms_accepted: false, can_view: false };

function signedIn() {
  const queryClient = createQueryClient();
  signIn(queryClient, makeUser({ role: 'institute' }));
  return queryClient;
}

describe("a demand's dossier panel", () => {
  it('asks nothing when the demand has no dossier (a 404 in the console on every demand page)', () => {
    const api = serve({ 'GET /api/v1/demands/{id}/dossier': () => json(STATUS) });
    renderWithProviders(<DossierPanel demandId={7} hasDossier={false} />, { queryClient: signedIn() });
    expect(screen.queryByTestId('dossier-request')).toBeNull();
    expect(api.calls('GET', '/api/v1/demands/7/dossier')).toHaveLength(0);
  });

  it('offers to ask for access when the demand has one', async () => {
    const api = serve({ 'GET /api/v1/demands/{id}/dossier': () => json(STATUS) });
    renderWithProviders(<DossierPanel demandId={7} hasDossier />, { queryClient: signedIn() });
    expect(await screen.findByTestId('dossier-request')).toBeInTheDocument();
    expect(api.calls('GET', '/api/v1/demands/7/dossier')).toHaveLength(1);
  });
});
