import { Suspense, useEffect, useState } from 'react';
import { Link, Outlet } from 'react-router';

import { Button, Drawer, Flex, icons, Layout, PageLoading, Typography, useBelow } from '@/components/ui';
import { useT } from '@/i18n';

import { LanguageSwitch } from './LanguageSwitch';
import { NotificationBell } from './NotificationBell';
import { SideMenu } from './SideMenu';
import { UserMenu } from './UserMenu';

const HEADER_HEIGHT = 56;

/**
 * The shell: header (menu button on narrow screens, logo, language, notifications, user),
 * the role-aware navigation (a side menu from lg up, a drawer below), the page.
 */
export function AppLayout() {
  const t = useT();
  const [collapsed, setCollapsed] = useState(false);
  const [navOpen, setNavOpen] = useState(false);
  const drawerNav = useBelow('lg');
  const phone = useBelow('sm');

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
          paddingInline: phone ? 8 : 24,
          background: '#fff',
          borderBottom: '1px solid rgba(5, 5, 5, 0.06)',
        }}
      >
        <Flex justify="space-between" align="center" gap={8} style={{ height: '100%' }}>
          <Flex align="center" gap={4} style={{ minWidth: 0 }}>
            {drawerNav ? <Button kind="text" icon={<icons.MenuOutlined />} aria-label={t('nav.open')} data-testid="nav-open" onClick={() => setNavOpen(true)} /> : null}
            <Link to="/" aria-label={t('nav.home')} style={{ display: 'flex', alignItems: 'center', gap: 8, minWidth: 0 }}>
              <img src="/favicon.svg" alt="" width={28} height={28} style={{ display: 'block', flexShrink: 0 }} />
              <Typography.Text strong ellipsis style={{ fontSize: phone ? 16 : 18, whiteSpace: 'nowrap' }}>
                {t('app.name')}
              </Typography.Text>
              {phone ? null : (
                <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap' }}>
                  {t('app.shortName')}
                </Typography.Text>
              )}
            </Link>
          </Flex>
          <Flex align="center" gap={phone ? 0 : 8} style={{ flexShrink: 0 }}>
            <LanguageSwitch compact={phone} />
            <NotificationBell />
            <UserMenu compact={phone} />
          </Flex>
        </Flex>
      </Layout.Header>
      <Layout>
        {drawerNav ? (
          <Drawer placement="left" open={navOpen} onClose={() => setNavOpen(false)} width={280} title={t('app.name')} styles={{ body: { padding: 0 } }}>
            <SideMenu onNavigate={() => setNavOpen(false)} />
          </Drawer>
        ) : (
          <Layout.Sider
            width={220}
            theme="light"
            collapsible
            collapsed={collapsed}
            onCollapse={setCollapsed}
            style={{ borderInlineEnd: '1px solid rgba(5, 5, 5, 0.06)' }}
          >
            <SideMenu />
          </Layout.Sider>
        )}
        <Layout style={{ minWidth: 0 }}>
          <Layout.Content style={{ padding: phone ? 12 : 24, minWidth: 0 }}>
            <main style={{ maxWidth: 1280, margin: '0 auto', minWidth: 0 }}>
              <Suspense fallback={<PageLoading />}>
                <Outlet />
              </Suspense>
            </main>
          </Layout.Content>
          <Layout.Footer style={{ textAlign: 'center', paddingInline: phone ? 12 : 50 }}>
            <Typography.Text type="secondary">{t('app.footer')}</Typography.Text>
          </Layout.Footer>
        </Layout>
      </Layout>
    </Layout>
  );
}
