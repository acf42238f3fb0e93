import { Suspense, useEffect, useState } from 'react';
import { Link, Outlet } from 'react-router';

import { Flex, Layout, PageLoading, Space, Typography } from '@/components/ui';
import { useT } from '@/i18n';

import { LanguageSwitch } from './LanguageSwitch';
import { SideMenu } from './SideMenu';
import { UserMenu } from './UserMenu';

const HEADER_HEIGHT = 56;

/** The shell: header (logo, language, user), role-aware side menu, page. */
export function AppLayout() {
  const t = useT();
  const [collapsed, setCollapsed] = useState(false);

  useEffect(() => {
    document.title = t('app.name');
  }, [t]);

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{
          position: 'sticky',
          top: 0,
          zIndex: 10,
          height: HEADER_HEIGHT,
          lineHeight: `${HEADER_HEIGHT}px`,
          paddingInline: 24,
          background: '#fff',
          borderBottom: '1px solid rgba(5, 5, 5, 0.06)',
        }}
      >
        <Flex justify="space-between" align="center" style={{ height: '100%' }}>
          <Link to="/" aria-label={t('nav.home')}>
            <Space size={8} align="center">
              <img src="/favicon.svg" alt="" width={28} height={28} style={{ display: 'block' }} />
              <Typography.Text strong style={{ fontSize: 18 }}>
                {t('app.name')}
              </Typography.Text>
              <Typography.Text type="secondary">{t('app.shortName')}</Typography.Text>
            </Space>
          </Link>
          <Space size={8}>
            <LanguageSwitch />
            <UserMenu />
          </Space>
        </Flex>
      </Layout.Header>
      <Layout>
        <Layout.Sider
          width={220}
          theme="light"
          breakpoint="lg"
          collapsible
          collapsed={collapsed}
          onCollapse={setCollapsed}
          style={{ borderInlineEnd: '1px solid rgba(5, 5, 5, 0.06)' }}
        >
          <SideMenu />
        </Layout.Sider>
        <Layout>
          <Layout.Content style={{ padding: 24 }}>
            <main style={{ maxWidth: 1280, margin: '0 auto' }}>
              <Suspense fallback={<PageLoading />}>
                <Outlet />
              </Suspense>
            </main>
          </Layout.Content>
          <Layout.Footer style={{ textAlign: 'center' }}>
            <Typography.Text type="secondary">{t('app.footer')}</Typography.Text>
          </Layout.Footer>
        </Layout>
      </Layout>
    </Layout>
  );
}
