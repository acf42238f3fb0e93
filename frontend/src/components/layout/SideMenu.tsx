import { matchPath, useLocation, useNavigate } from 'react-router';

import { ROLE_SECTIONS, sectionPagePath } from '@/app/sections';
import { icons, Menu, type MenuProps } from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { useT } from '@/i18n';

type MenuItems = NonNullable<MenuProps['items']>;

/** The longest menu key that is the current path or a parent of it. */
function selectedKey(pathname: string, keys: string[]): string | undefined {
  return keys
    .filter((key) => (key === '/' ? pathname === '/' : pathname === key || pathname.startsWith(`${key}/`)))
    .sort((a, b) => b.length - a.length)[0];
}

/** Public pages for everyone, plus the signed-in user's own role section; `onNavigate`
 *  closes the drawer it sits in on a phone. */
export function SideMenu({ onNavigate }: { onNavigate?: () => void }) {
  const t = useT();
  const session = useSession();
  const { pathname } = useLocation();
  const navigate = useNavigate();
  let under: string | undefined;

  const items: MenuItems = [
    { key: '/', icon: <icons.HomeOutlined />, label: t('nav.home') },
    { key: '/listings', icon: <icons.AppstoreOutlined />, label: t('nav.listings') },
    { key: '/challenges', icon: <icons.TrophyOutlined />, label: t('nav.challenges') },
  ];
  const keys = ['/', '/listings', '/challenges'];

  if (session.status === 'authenticated') {
    // the industry-chain map: everyone signed in reads it
    items.push({ key: '/chains', icon: <icons.NodeIndexOutlined />, label: t('nav.chains') });
    keys.push('/chains');
    const section = ROLE_SECTIONS[session.user.role];
    const children = section.pages.filter((page) => page.menu !== false).map((page) => {
      const key = sectionPagePath(section, page);
      keys.push(key);
      return { key, icon: page.icon, label: t(page.labelKey) };
    });
    items.push({ type: 'divider' }, { type: 'group', key: section.base, label: t(section.labelKey), children });
    // A deeper page whose path does not lie under its menu entry's highlights that entry.
    const owner = section.pages.find((page) => page.under !== undefined && matchPath(sectionPagePath(section, page), pathname) !== null);
    if (owner?.under !== undefined) under = `${section.base}/${owner.under}`;
  }

  const selected = under ?? selectedKey(pathname, keys);
  return (
    <Menu
      mode="inline"
      items={items}
      selectedKeys={selected === undefined ? [] : [selected]}
      onClick={({ key }) => {
        onNavigate?.();
        void navigate(key);
      }}
      style={{ borderInlineEnd: 'none' }}
    />
  );
}
