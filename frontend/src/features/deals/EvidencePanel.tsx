import { useState } from 'react';

import type { Deal, Evidence, EvidenceKind, RegistryStatus } from '@/api/types';
import { Button, ReasonDialog, Space, Tag, Tooltip, Typography, useMessage, useShowError } from '@/components/ui';
import { useAnswerEvidence } from '@/hooks/queries/deals';
import { useT } from '@/i18n';
import { formatDateTime } from '@/lib/dates';

const STATUS_TONE = { declared: 'warning', confirmed: 'success', disputed: 'danger' } as const;
const REGISTRY_TONE = { unchecked: 'neutral', verified: 'success', mismatch: 'danger', cancelled: 'danger' } as const;

/** Where a declared item stands: awaiting the parties, confirmed by them, or disputed. */
export function EvidenceTag({ evidence, testId }: { evidence: Evidence; testId?: string }) {
  const t = useT();
  return (
    <span data-testid={testId} data-status={evidence.status}>
      <Tag tone={STATUS_TONE[evidence.status]}>{t(`evidence.status.${evidence.status}`)}</Tag>
    </span>
  );
}

/** Who answered this version, and how. */
export function EvidenceAnswers({ evidence }: { evidence: Evidence }) {
  const t = useT();
  const answered = new Map(evidence.answers.map((a) => [a.side, a]));
  return (
    <Space wrap size={4}>
      {evidence.required.map((side) => {
        const answer = answered.get(side);
        const label = `${t(`evidence.side.${side}`)}：${answer === undefined ? t('evidence.answer.pending') : answer.confirmed ? t('evidence.answer.confirmed') : t('evidence.answer.disputed')}`;
        return (
          <Tooltip key={side} title={answer === undefined ? undefined : `${formatDateTime(answer.at)}${answer.reason ? ` · ${answer.reason}` : ''}`}>
            <span>
              <Tag tone={answer === undefined ? 'neutral' : answer.confirmed ? 'success' : 'danger'}>{label}</Tag>
            </span>
          </Tooltip>
        );
      })}
    </Space>
  );
}

export function RegistryTag({ status, issues }: { status: RegistryStatus; issues: string[] }) {
  const t = useT();
  const detail = issues.filter((i) => i !== 'cancelled').map((i) => t(`registry.issue.${i as 'parties' | 'type' | 'amount' | 'date'}`));
  return (
    <span data-testid="registry-status" data-status={status}>
      <Tag tone={REGISTRY_TONE[status]}>
        {t(`registry.status.${status}`)}
        {detail.length > 0 ? `：${detail.join('、')}` : ''}
      </Tag>
    </span>
  );
}

interface ActionsProps {
  deal: Deal;
  kind: EvidenceKind;
  /** The payment's id; null for the contract. */
  itemId: number | null;
  evidence: Evidence;
}

/** Confirm the version shown, or dispute it with a reason — for the side whose answer awaits. */
export function EvidenceActions({ deal, kind, itemId, evidence }: ActionsProps) {
  const t = useT();
  const answer = useAnswerEvidence(deal.id);
  const message = useMessage();
  const showError = useShowError();
  const [disputing, setDisputing] = useState(false);
  if (!evidence.awaiting_me) return null;
  const suffix = kind === 'contract' ? 'contract' : `payment-${itemId ?? 0}`;
  return (
    <Space wrap>
      <Button
        kind="primary"
        size="small"
        loading={answer.isPending && answer.variables.confirm}
        data-testid={`confirm-${suffix}`}
        onClick={() =>
          answer.mutate(
            { kind, itemId, version: evidence.version, confirm: true },
            { onSuccess: () => void message.success(t('evidence.confirmed')), onError: (error) => showError(error) },
          )
        }
      >
        {t('evidence.confirm')}
      </Button>
      <Button size="small" danger data-testid={`dispute-${suffix}`} onClick={() => setDisputing(true)}>
        {t('evidence.dispute')}
      </Button>
      <ReasonDialog
        open={disputing}
        title={t('evidence.dispute.title')}
        description={t('evidence.dispute.explain')}
        okText={t('evidence.dispute')}
        danger
        loading={answer.isPending}
        testId={`dispute-dialog-${suffix}`}
        onCancel={() => setDisputing(false)}
        onSubmit={(reason) =>
          answer.mutate(
            { kind, itemId, version: evidence.version, confirm: false, reason },
            {
              onSuccess: () => {
                setDisputing(false);
                void message.success(t('evidence.disputed'));
              },
              onError: (error) => showError(error),
            },
          )
        }
      />
    </Space>
  );
}

/** The contract's evidence for everyone on the deal: status, answers, and the viewer's turn. */
export function ContractEvidence({ deal }: { deal: Deal }) {
  const t = useT();
  const contract = deal.contract;
  if (contract === null) return null;
  const { evidence } = contract;
  const aboveCeiling = evidence.required.includes('admin');
  return (
    <Space direction="vertical" size={4} style={{ width: '100%' }} data-testid="contract-evidence">
      <Space wrap>
        <EvidenceTag evidence={evidence} testId="contract-evidence-status" />
        <Typography.Text type="secondary">{t('evidence.version', { version: evidence.version })}</Typography.Text>
        <EvidenceAnswers evidence={evidence} />
      </Space>
      {aboveCeiling ? <Typography.Text type="warning">{t('evidence.ceiling', { ceiling: contract.amount_ceiling })}</Typography.Text> : null}
      {evidence.awaiting_me ? <Typography.Text>{t('evidence.yourTurn')}</Typography.Text> : null}
      <EvidenceActions deal={deal} kind="contract" itemId={null} evidence={evidence} />
    </Space>
  );
}
