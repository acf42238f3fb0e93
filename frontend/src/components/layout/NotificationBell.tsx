import { useState } from 'react';
import { useNavigate } from 'react-router';

import type { Notification } from '@/api/types';
import { Badge, Button, Drawer, EmptyState, Flex, icons, List, LoadError, Typography, useBelow, useShowError } from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { notificationBody, notificationLink, notificationTitle } from '@/features/notifications/notificationText';
import { useMarkAllNotificationsRead, useMarkNotificationRead, useNotifications } from '@/hooks/queries/notifications';
import { useLocale, useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

function Item({ notification, onOpen }: { notification: Notification; onOpen: (notification: Notification) => void }) {
  const t = useT();
  const { locale } = useLocale();
  const unread = notification.read_at === null;
  const body = notificationBody(notification, locale);
  return (
    <List.Item
      data-testid={`notification-${notification.id}`}
      style={{ cursor: 'pointer', paddingInline: 8, background: unread ? 'rgba(29, 78, 216, 0.04)' : undefined }}
      onClick={() => onOpen(notification)}
    >
      <List.Item.Meta
        avatar={<Badge status={unread ? 'processing' : 'default'} />}
        title={<Typography.Text strong={unread}>{notificationTitle(notification, t, locale)}</Typography.Text>}
        description={
          <>
            {body === null ? null : (
              <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ marginBottom: 4 }} data-user-text>
                {body}
              </Typography.Paragraph>
            )}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatDateTime(notification.created_at)}
              {unread ? ` · ${t('notifications.unread')}` : ''}
            </Typography.Text>
          </>
        }
      />
    </List.Item>
  );
}

/** The header's bell: the unread count (polled each minute and on returning to the window),
 *  and a drawer of the newest notifications, each leading to its deal. */
export function NotificationBell() {
  const t = useT();
  const session = useSession();
  const navigate = useNavigate();
  const phone = useBelow('sm');
  const [open, setOpen] = useState(false);
  const signedIn = session.status === 'authenticated';
  const notifications = useNotifications(signedIn);
  const markRead = useMarkNotificationRead();
  const markAll = useMarkAllNotificationsRead();
  const showError = useShowError();
  if (!signedIn) return null;
  const unread = notifications.data?.unread ?? 0;

  const openOne = (notification: Notification) => {
    if (notification.read_at === null) markRead.mutate(notification.id, { onError: (error) => showError(error) });
    const link = notificationLink(notification, session.user.role);
    if (link !== null) {
      setOpen(false);
      void navigate(link);
    }
  };

  return (
    <>
      <Badge count={unread} size="small" offset={[-6, 6]} overflowCount={99}>
        <Button
          kind="text"
          icon={<icons.BellOutlined />}
          aria-label={unread > 0 ? t('notifications.openUnread', { count: unread }) : t('notifications.open')}
          data-testid="notification-bell"
          onClick={() => setOpen(true)}
        />
      </Badge>
      <Drawer
        open={open}
        onClose={() => setOpen(false)}
        width={phone ? '100%' : 420}
        title={t('notifications.title')}
        extra={
          <Button kind="link" size="small" disabled={unread === 0} loading={markAll.isPending} data-testid="notifications-read-all" onClick={() => markAll.mutate(undefined, { onError: (error) => showError(error) })}>
            {t('notifications.readAll')}
          </Button>
        }
      >
        {notifications.isError ? (
          <LoadError error={notifications.error} retry={() => void notifications.refetch()} />
        ) : (
          <List<Notification>
            loading={notifications.isPending}
            dataSource={notifications.data?.items ?? []}
            rowKey="id"
            locale={{ emptyText: <EmptyState compact description={t('notifications.empty')} /> }}
            renderItem={(notification) => <Item notification={notification} onOpen={openOne} />}
          />
        )}
        {notifications.data !== undefined && notifications.data.total > notifications.data.items.length ? (
          <Flex justify="center" style={{ marginTop: 8 }}>
            <Typography.Text type="secondary">{t('notifications.more', { count: notifications.data.total - notifications.data.items.length })}</Typography.Text>
          </Flex>
        ) : null}
      </Drawer>
    </>
  );
}
