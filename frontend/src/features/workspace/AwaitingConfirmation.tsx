import { Link } from 'react-router';

import type { AwaitingItem, Role } from '@/api/types';
import { Badge, Card, FigureTitle, List, Money, Space, Tag, Typography } from '@/components/ui';
import { useAwaitingConfirmation } from '@/hooks/queries/deals';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

/** What awaits this user's confirmation (evidence before money): the contract versions and
 *  payments brokers declared on their organisation's deals, or — for administrators — contract
 *  amounts above the ceiling. A badge counts them; each links to its deal. */
export function AwaitingConfirmation({ role }: { role: Exclude<Role, 'broker'> }) {
  const t = useT();
  const awaiting = useAwaitingConfirmation();
  const items = awaiting.data?.items ?? [];
  const count = awaiting.data?.count ?? 0;
  return (
    <Card
      size="small"
      data-testid="awaiting-confirmation"
      title={
        <Space>
          <FigureTitle title={t('evidence.awaiting.title')} help={t(role === 'admin' ? 'evidence.awaiting.help.admin' : 'evidence.awaiting.help')} />
          <span data-testid="awaiting-badge" data-count={count}>
            <Badge count={count} showZero color={count > 0 ? '#fa8c16' : '#52c41a'} />
          </span>
        </Space>
      }
    >
      {items.length === 0 ? (
        <Typography.Text type="secondary">{t('evidence.awaiting.none')}</Typography.Text>
      ) : (
        <List<AwaitingItem>
          size="small"
          dataSource={items}
          renderItem={(item) => (
            <List.Item key={`${item.kind}-${item.item_id}-${item.version}`}>
              <Space wrap>
                <Link to={`/${role}/deals/${item.deal_id}`} data-testid={`awaiting-${item.kind}-${item.item_id}`}>
                  {t('deal.number', { id: item.deal_id })}
                </Link>
                <Tag tone="warning">{t(`evidence.kind.${item.kind}`)}</Tag>
                <Money value={item.amount} />
                <Typography.Text type="secondary">{t('evidence.version', { version: item.version })}</Typography.Text>
                {item.declared_at ? <Typography.Text type="secondary">{formatDateTime(item.declared_at)}</Typography.Text> : null}
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
