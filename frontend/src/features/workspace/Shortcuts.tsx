import { useNavigate } from 'react-router';

import type { Role } from '@/api/types';
import { Badge, Button, Space } from '@/components/ui';
import { useBrokers, useOrganisations } from '@/hooks/queries/accounts';
import { usePending } from '@/hooks/queries/notifications';
import { useClaims } from '@/hooks/queries/rewards';
import { type MessageKey, useT } from '@/i18n';

import { SHORTCUTS } from './shortcuts';

/** A role's starting points, each with a badge counting what waits there. */
function ShortcutButtons({ role, counts }: { role: Role; counts: Partial<Record<string, number>> }) {
  const t = useT();
  const navigate = useNavigate();
  return (
    <Space wrap size={[16, 12]}>
      {SHORTCUTS[role].map((shortcut) => {
        const count = counts[shortcut.to] ?? 0;
        const label: MessageKey = shortcut.labelKey;
        return (
          <Badge key={shortcut.to} count={count} data-testid={`pending-${shortcut.to.split('/').pop() ?? ''}`}>
            <Button
              kind={shortcut.primary ? 'primary' : 'secondary'}
              aria-label={count > 0 ? t('workspace.shortcutWaiting', { label: t(label), count }) : undefined}
              onClick={() => void navigate(shortcut.to)}
            >
              {t(label)}
            </Button>
          </Badge>
        );
      })}
    </Space>
  );
}

function PartyShortcuts({ role }: { role: 'firm' | 'institute' }) {
  const pending = usePending();
  return <ShortcutButtons role={role} counts={{ [`/${role}/introductions`]: pending.data?.introductions }} />;
}

function BrokerShortcuts() {
  const pending = usePending();
  const waiting = (pending.data?.invitations ?? 0) + (pending.data?.share_proposals ?? 0);
  return <ShortcutButtons role="broker" counts={{ '/broker/deals': waiting }} />;
}

function AdminShortcuts() {
  const organisations = useOrganisations({ status: 'pending' });
  const brokers = useBrokers({ status: 'pending' });
  const claims = useClaims({ status: ['submitted'], page_size: 1 });
  return (
    <ShortcutButtons
      role="admin"
      counts={{
        '/admin/verifications': (organisations.data?.total ?? 0) + (brokers.data?.total ?? 0),
        '/admin/claims': claims.data?.total ?? 0,
      }}
    />
  );
}

/** The workspace's shortcuts with badges for pending introductions, invitations,
 *  share re-splits, verifications and claims to review. */
export function Shortcuts({ role }: { role: Role }) {
  if (role === 'broker') return <BrokerShortcuts />;
  if (role === 'admin') return <AdminShortcuts />;
  if (role === 'expert' || role === 'investor') return <ShortcutButtons role={role} counts={{}} />;
  return <PartyShortcuts role={role} />;
}
