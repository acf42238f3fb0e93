import type { QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';

import { tokenStore } from '@/api/tokens';
import type { CurrentUser } from '@/api/types';
import { AppProviders } from '@/app/AppProviders';
import { createQueryClient } from '@/app/queryClient';
import { accountKeys } from '@/hooks/queries/accounts';
import { I18nProvider, type Locale } from '@/i18n';

export function makeUser(overrides: Partial<CurrentUser> = {}): CurrentUser {
  return {
    id: 1,
    username: 'firm-user',
    display_name: '张三',
    email: null,
    role: 'firm',
    organisation: { id: 10, name: '福州示例科技有限公司', kind: 'firm', region: '福州市', verification_status: 'verified' },
    broker: null,
    ...overrides,
  };
}

export function makeBrokerUser(overrides: Partial<CurrentUser> = {}): CurrentUser {
  return makeUser({
    id: 7,
    username: 'broker-li',
    display_name: '李四',
    role: 'broker',
    organisation: null,
    broker: { level: 'senior', certificate_no: 'JJR-0001', fields: ['新材料'], agency_id: null, verification_status: 'verified' },
    ...overrides,
  });
}

export function makeAdminUser(overrides: Partial<CurrentUser> = {}): CurrentUser {
  return makeUser({ id: 1000, username: 'admin', display_name: '管理员', role: 'admin', organisation: null, ...overrides });
}

/** Sign a user in as the app would find them: tokens stored and `me` cached. */
export function signIn(queryClient: QueryClient, user: CurrentUser): void {
  tokenStore.set({ access_token: 'access', refresh_token: 'refresh', token_type: 'bearer', expires_in: 3600 });
  queryClient.setQueryData(accountKeys.me(), user);
}

export function renderWithProviders(ui: ReactElement, { locale, queryClient = createQueryClient() }: { locale?: Locale; queryClient?: QueryClient } = {}) {
  return {
    queryClient,
    ...render(
      <I18nProvider initialLocale={locale}>
        <AppProviders queryClient={queryClient}>{ui}</AppProviders>
      </I18nProvider>,
    ),
  };
}

export function renderRoutes(routes: RouteObject[], { path, ...options }: { path: string; locale?: Locale; queryClient?: QueryClient }) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  return { router, ...renderWithProviders(<RouterProvider router={router} />, options) };
}
