import type { MatchReason } from '@/api/types';
import { Alert, Progress, Space, Typography } from '@/components/ui';
import { useFieldCodeName } from '@/features/listings/fields';
import { useLocale, useT } from '@/i18n';

import { matchStrength, scorePercent } from './matchStrength';
import { type ReasonPerspective, reasonText } from './reasonText';

export type { ReasonPerspective } from './reasonText';

/** Why a pair matched, in words the reader's language has (never a score or a model name). */
export function MatchReasons({ reasons, perspective = 'pair' }: { reasons: readonly MatchReason[]; perspective?: ReasonPerspective }) {
  const t = useT();
  const { locale } = useLocale();
  const fieldName = useFieldCodeName();
  if (reasons.length === 0) return null;
  return (
    <ul aria-label={t('match.reasons')} style={{ margin: 0, paddingInlineStart: 18 }}>
      {reasons.map((reason, index) => (
        <li key={`${reason.code}-${index}`} data-testid={`reason-${reason.code}`} data-user-text={reason.code === 'shared_terms' || reason.code === 'same_region' ? true : undefined}>
          {reasonText(reason, perspective, t, fieldName, locale)}
        </li>
      ))}
    </ul>
  );
}

/** How well it matches: a bar and a word; `parts` (the channels' shares) is not for people. */
export function MatchScore({ score, reasons = [] }: { score: number; parts?: Readonly<Record<string, number>>; reasons?: readonly MatchReason[] }) {
  const t = useT();
  const strength = matchStrength(score, reasons);
  const percent = scorePercent(score);
  return (
    <Space size={8} align="center" aria-label={t('match.scoreLabel', { percent })} data-testid="match-strength" data-strength={strength}>
      <Progress
        percent={percent}
        steps={5}
        size="small"
        showInfo={false}
        strokeColor={strength === 'weak' ? '#faad14' : strength === 'strong' ? '#52c41a' : '#1d4ed8'}
      />
      <Typography.Text type={strength === 'weak' ? 'warning' : undefined}>{t(`match.strength.${strength}`)}</Typography.Text>
    </Space>
  );
}

/** Said once above a list whose best match is weak: not an answer, a prompt to ask for help. */
export function WeakMatchesNote({ perspective }: { perspective: ReasonPerspective }) {
  const t = useT();
  return <Alert type="warning" showIcon data-testid="weak-matches" message={t(perspective === 'demand' ? 'match.weak.demand' : 'match.weak.other')} style={{ marginBottom: 12 }} />;
}
