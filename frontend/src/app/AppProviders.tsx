// The one module besides src/components/ui/ allowed to import antd: the
// ConfigProvider (locale, theme) and antd's <App> (context for message/modal).
import '@ant-design/v5-patch-for-react-19';

import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, type ThemeConfig } from 'antd';
// The ES builds: the CommonJS ones (antd/locale/*) reach the bundle as a namespace, and
// the pickers would fall back to English.
import antdEnUS from 'antd/es/locale/en_US';
import antdZhCN from 'antd/es/locale/zh_CN';
import type { ReactNode } from 'react';

import { type Locale, useLocale } from '@/i18n';

import { usePrefersReducedMotion } from './reducedMotion';

const ANTD_LOCALES = { 'zh-CN': antdZhCN, 'en-US': antdEnUS } satisfies Record<Locale, unknown>;

const theme: ThemeConfig = {
  token: {
    colorPrimary: '#1d4ed8',
    borderRadius: 6,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif",
  },
};
const stillTheme: ThemeConfig = { ...theme, token: { ...theme.token, motion: false } };

export function AppProviders({ queryClient, children }: { queryClient: QueryClient; children: ReactNode }) {
  const { locale } = useLocale();
  const reducedMotion = usePrefersReducedMotion();
  return (
    <ConfigProvider
      locale={ANTD_LOCALES[locale]}
      theme={reducedMotion ? stillTheme : theme}
      // A refused form shows its first problem mid-screen, clear of the sticky header.
      form={{ scrollToFirstError: { block: 'center', focus: true } }}
    >
      <AntApp>
        <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
