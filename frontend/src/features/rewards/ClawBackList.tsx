import { useState } from 'react';

import type { Claim } from '@/api/types';
import { Alert, Button, Flex, Money, ReasonDialog, Space, Tag, Typography, useMessage, useShowError } from '@/components/ui';
import { useRecordRecovery, useReviewClawback } from '@/hooks/queries/rewards';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

type Brief = Claim['claw_backs'][number];
const TONE = { pending_review: 'warning', due: 'danger', recovered: 'success', cancelled: 'neutral', waived: 'neutral' } as const;

/** Every claw-back on a claim: fraud (the whole reward) or a re-computation (the excess paid
 *  after the deal was cancelled or its confirmed evidence fell), with the review of the latter. */
export function ClawBackList({ claim }: { claim: Claim }) {
  const t = useT();
  const review = useReviewClawback();
  const message = useMessage();
  const showError = useShowError();
  const [deciding, setDeciding] = useState<{ item: Brief; decision: 'due' | 'waived' } | null>(null);
  const recover = useRecordRecovery();
  const [recovering, setRecovering] = useState<Brief | null>(null);
  if (claim.claw_backs.length === 0) return null;
  return (
    <Flex vertical gap={8} style={{ marginTop: 12 }} data-testid="claw-backs">
      {claim.claw_backs.map((item) => (
        <Alert
          key={item.id}
          type={item.status === 'pending_review' || item.status === 'due' ? 'error' : 'info'}
          showIcon
          message={
            <Space wrap>
              <Tag tone={TONE[item.status]}>{t(`clawback.status.${item.status}`)}</Tag>
              <Typography.Text>{t(`clawback.kind.${item.kind}`)}</Typography.Text>
              <Money value={item.amount} />
              <Typography.Text type="secondary">{formatDateTime(item.decided_at)}</Typography.Text>
            </Space>
          }
          description={item.reason}
          action={
            item.status === 'pending_review' ? (
              <Space direction="vertical">
                <Button size="small" kind="danger" data-testid={`clawback-due-${item.id}`} onClick={() => setDeciding({ item, decision: 'due' })}>
                  {t('clawback.due')}
                </Button>
                <Button size="small" data-testid={`clawback-waive-${item.id}`} onClick={() => setDeciding({ item, decision: 'waived' })}>
                  {t('clawback.waive')}
                </Button>
              </Space>
            ) : item.status === 'due' ? (
              <Button size="small" kind="primary" data-testid={`clawback-recovered-${item.id}`} onClick={() => setRecovering(item)}>
                {t('clawback.recover')}
              </Button>
            ) : null
          }
        />
      ))}
      <ReasonDialog
        open={recovering !== null}
        title={t('clawback.recover')}
        description={t('clawback.recover.explain')}
        label={t('clawback.recoveryReference')}
        maxLength={64}
        okText={t('clawback.recover')}
        loading={recover.isPending}
        testId="clawback-recovery"
        onCancel={() => setRecovering(null)}
        onSubmit={(reference) =>
          recovering === null
            ? undefined
            : recover.mutate(
                { id: recovering.id, reference },
                {
                  onSuccess: () => {
                    setRecovering(null);
                    void message.success(t('clawback.recovered.done'));
                  },
                  onError: (error) => showError(error),
                },
              )
        }
      />
      <ReasonDialog
        open={deciding !== null}
        title={deciding?.decision === 'waived' ? t('clawback.waive') : t('clawback.due')}
        description={deciding?.decision === 'waived' ? t('clawback.waive.explain') : t('clawback.due.explain')}
        okText={deciding?.decision === 'waived' ? t('clawback.waive') : t('clawback.due')}
        danger={deciding?.decision === 'due'}
        loading={review.isPending}
        testId="clawback-review"
        onCancel={() => setDeciding(null)}
        onSubmit={(note) =>
          deciding === null
            ? undefined
            : review.mutate(
                { id: deciding.item.id, decision: deciding.decision, note },
                {
                  onSuccess: () => {
                    setDeciding(null);
                    void message.success(t('clawback.reviewed'));
                  },
                  onError: (error) => showError(error),
                },
              )
        }
      />
    </Flex>
  );
}
