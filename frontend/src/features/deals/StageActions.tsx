import { useState } from 'react';

import { ApiError } from '@/api/problem';
import type { Deal, DealStage } from '@/api/types';
import { ActionButton, Alert, Button, ReasonDialog, Space, useMessage, useShowError } from '@/components/ui';
import { useTransitionDeal } from '@/hooks/queries/deals';
import { useT } from '@/i18n';

import { type EndingStage, isEnding } from './stageRules';

/** The moves this viewer may make now (the server's allowed_next); a refused move says why. */
export function StageActions({ deal }: { deal: Deal }) {
  const t = useT();
  const message = useMessage();
  const showError = useShowError();
  const transition = useTransitionDeal();
  const [refusal, setRefusal] = useState<string | null>(null);
  const [ending, setEnding] = useState<EndingStage | null>(null);

  const move = (to: DealStage, reason?: string) => {
    setRefusal(null);
    transition.mutate(
      { id: deal.id, to, reason },
      {
        onSuccess: () => {
          setEnding(null);
          void message.success(isEnding(to) ? t(`deal.end.done.${to}`) : t('deal.move.done', { stage: t(`stage.${to}`) }));
        },
        onError: (error) => {
          if (error instanceof ApiError && (error.status === 409 || error.status === 422)) setRefusal(error.message);
          else showError(error);
        },
      },
    );
  };

  if (deal.allowed_next.length === 0) return null;
  // the server refuses negotiating until both parties accepted the introduction: say so first
  const awaitingParties = deal.demand.acceptance !== 'accepted' || deal.achievement.acceptance !== 'accepted';
  const waitReason = (stage: DealStage) => (stage === 'negotiating' && awaitingParties ? t('deal.move.awaitParties') : null);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap aria-label={t('deal.stageActions')}>
        {deal.allowed_next.map((stage) =>
          isEnding(stage) ? (
            <Button key={stage} kind="secondary" danger onClick={() => setEnding(stage)} data-testid={`stage-${stage}`}>
              {t(`deal.end.${stage}`)}
            </Button>
          ) : (
            <ActionButton
              key={stage}
              kind="primary"
              loading={transition.isPending && transition.variables.to === stage}
              onClick={() => move(stage)}
              disabledReason={waitReason(stage)}
              data-testid={`stage-${stage}`}
            >
              {t('deal.move.to', { stage: t(`stage.${stage}`) })}
            </ActionButton>
          ),
        )}
      </Space>
      {refusal === null ? null : (
        <Alert type="warning" showIcon role="alert" message={t('error.conflict.title')} description={refusal} closable onClose={() => setRefusal(null)} />
      )}
      <ReasonDialog
        open={ending !== null}
        title={ending === null ? '' : t(`deal.end.${ending}.title`)}
        description={t('deal.end.explain')}
        okText={t('deal.end.confirm')}
        danger
        loading={transition.isPending}
        error={ending !== null ? refusal : null}
        testId="end-deal"
        onCancel={() => setEnding(null)}
        onSubmit={(reason) => {
          if (ending !== null) move(ending, reason);
        }}
      />
    </Space>
  );
}
