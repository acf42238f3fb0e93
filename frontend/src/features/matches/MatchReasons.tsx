import type { MatchReason } from '@/api/types';
import { Alert, Progress, Space, Typography } from '@/components/ui';
import { useFieldCodeName } from '@/features/listings/fields';
import { type Translate, useLocale, useT } from '@/i18n';
import { formatAmount } from '@/lib/money';

import { matchStrength, scorePercent, similarityLevel } from './matchStrength';

/** Whose listing the reasons are read beside: a firm reading achievements for its demand,
 *  an institute reading demands for its achievement, or a broker reading a pair. */
export type ReasonPerspective = 'demand' | 'achievement' | 'pair';

type Param = MatchReason['params'][string];

function text(value: Param | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(', ') : String(value);
}

function number(value: Param | undefined): number {
  const parsed = Number(text(value));
  return Number.isFinite(parsed) ? parsed : 0;
}

function reasonText(reason: MatchReason, perspective: ReasonPerspective, t: Translate, fieldName: (code: string) => string, locale: 'zh-CN' | 'en-US'): string {
  const p = reason.params;
  switch (reason.code) {
    case 'shared_terms': {
      const terms = Array.isArray(p.terms) ? p.terms : [text(p.terms)];
      return t('match.reason.sharedTerms', { terms: terms.join(t('list.separator')) });
    }
    case 'semantic':
      return t(`match.reason.semantic.${perspective}`, { level: t(`match.similar.${similarityLevel(number(p.similarity), text(p.encoder))}`) });
    case 'same_field':
      return t('match.reason.sameField', { field: fieldName(text(p.field)) });
    case 'same_region':
      return t('match.reason.sameRegion', { region: text(p.region) });
    case 'trl_fit':
      return t('match.reason.trlFit', { trl: text(p.trl), min: text(p.min_trl) });
    case 'price_fit':
      return t('match.reason.priceFit', { price: formatAmount(text(p.price), locale), budget: formatAmount(text(p.budget), locale) });
    default:
      return locale === 'zh-CN' ? reason.text_zh : reason.text_en;
  }
}

/** One reason in words (never a score or a model name), e.g. for a drafting hint. */
export function useReasonText(perspective: ReasonPerspective = 'pair'): (reason: MatchReason) => string {
  const t = useT();
  const { locale } = useLocale();
  const fieldName = useFieldCodeName();
  return (reason) => reasonText(reason, perspective, t, fieldName, locale);
}

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
