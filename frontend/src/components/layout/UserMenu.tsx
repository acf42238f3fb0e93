import { useNavigate } from 'react-router';

import { Avatar, Button, Dropdown, icons, type MenuProps, Space, useShowError } from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { useLogout } from '@/hooks/queries/accounts';
import { useT } from '@/i18n';

/** Log in / register, or the signed-in user's menu; `compact` on a phone (icons only). */
export function UserMenu({ compact = false }: { compact?: boolean }) {
  const t = useT();
  const session = useSession();
  const navigate = useNavigate();
  const logout = useLogout();
  const showError = useShowError();

  if (session.status !== 'authenticated') {
    return (
      <Space size={4}>
        <Button kind="text" size={compact ? 'small' : 'middle'} onClick={() => void navigate('/login')}>
          {t('user.login')}
        </Button>
        <Button kind="primary" size={compact ? 'small' : 'middle'} onClick={() => void navigate('/register')}>
          {t('user.register')}
        </Button>
      </Space>
    );
  }

  const { user } = session;
  const items: MenuProps['items'] = [
    {
      key: 'who',
      disabled: true,
      label: (
        <div>
          <div>{user.display_name}</div>
          <div>{t(`role.${user.role}`)}</div>
          {user.organisation === null ? null : <div>{user.organisation.name}</div>}
        </div>
      ),
    },
    { type: 'divider' },
    { key: 'logout', icon: <icons.LogoutOutlined />, label: t('user.logout') },
  ];
  const onClick: MenuProps['onClick'] = ({ key }) => {
    if (key !== 'logout') return;
    logout.mutate(undefined, {
      onSettled: () => void navigate('/', { replace: true }),
      onError: (error) => showError(error),
    });
  };

  return (
    <Dropdown menu={{ items, onClick }} trigger={['click']} placement="bottomRight">
      <Button kind="text" aria-label={t('user.menu')}>
        <Space>
          <Avatar size="small" icon={<icons.UserOutlined />} />
          {compact ? null : user.display_name}
        </Space>
      </Button>
    </Dropdown>
  );
}
