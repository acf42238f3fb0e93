import { useNavigate } from 'react-router';

import { ActionButton, useMessage, useShowError } from '@/components/ui';
import { useOpenDeal } from '@/hooks/queries/deals';
import { useT } from '@/i18n';

/** A broker claims a pair: a deal opens on the demand and the achievement, and both parties are asked. */
export function ClaimButton({ demandId, achievementId, disabledReason = null }: { demandId: number; achievementId: number; disabledReason?: string | null }) {
  const t = useT();
  const open = useOpenDeal();
  const navigate = useNavigate();
  const message = useMessage();
  const showError = useShowError();
  return (
    <ActionButton
      kind="primary"
      size="small"
      loading={open.isPending}
      data-testid="claim-button"
      disabledReason={disabledReason}
      confirm={{ title: t('match.claim.confirm'), description: t('match.claim.confirmDetail'), okText: t('match.claim'), testId: 'claim-confirm' }}
      aria-label={t('match.claimPair', { demand: demandId, achievement: achievementId })}
      onClick={() =>
        open.mutate(
          { demand_id: demandId, achievement_id: achievementId },
          {
            onSuccess: (deal) => {
              void message.success(t('match.claimed'));
              void navigate(`/broker/deals/${deal.id}`);
            },
            onError: (error) => showError(error),
          },
        )
      }
    >
      {t('match.claim')}
    </ActionButton>
  );
}
