import type { MatchReason } from '@/api/types';
import { useFieldCodeName } from '@/features/listings/fields';
import { type Translate, useLocale, useT } from '@/i18n';
import { formatAmount } from '@/lib/money';

import { similarityLevel } from './matchStrength';

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

export function reasonText(reason: MatchReason, perspective: ReasonPerspective, t: Translate, fieldName: (code: string) => string, locale: 'zh-CN' | 'en-US'): string {
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

