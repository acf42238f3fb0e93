import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokenStore } from '@/api/tokens';
import type { FinancingRequest } from '@/api/types';
import { createQueryClient } from '@/app/queryClient';
import { makeUser, renderWithProviders, signIn } from '@/test/render';
import { serve } from '@/test/server';

import { OwnerFinancingDossier } from './FinancingDossier';

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear();
});

describe("the owner's financing dossier card", () => {
  it('explains the dossier once, for a financing request, not with the demand’s line', async () => {
    serve({});
    const queryClient = createQueryClient();
    signIn(queryClient, makeUser({ role: 'institute' }));
    const request = { id: 5, title: '中试线建设融资', status: 'published', has_dossier: false } as FinancingRequest;
    renderWithProviders(<OwnerFinancingDossier request={request} />, { queryClient, locale: 'en-US' });
    expect(await screen.findByTestId('financing-dossier-owner')).toBeInTheDocument();
    expect(screen.getByTestId('dossier-details')).toBeInTheDocument();
    expect(screen.queryByText(/The public summary stays in the demand/)).toBeNull();
  });
});
