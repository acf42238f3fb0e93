import { useLocale, useT } from '@/i18n';
import { formatAmount, formatYuan } from '@/lib/money';

export interface MoneyProps {
  value: string | null | undefined;
  testId?: string;
  /** As officials write a budget or a price: 万元 from 10,000 yuan up ("150 万元"). The
   *  default is exact to the fen ("1,234,567.89 元"), for contracts, payments and rewards. */
  rounded?: boolean;
}

/** A money amount as people read it; "—" for none. */
export function Money({ value, testId, rounded = false }: MoneyProps) {
  const t = useT();
  const { locale } = useLocale();
  if (value === null || value === undefined) return <span>{t('common.notAvailable')}</span>;
  return (
    <span data-testid={testId} style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
      {rounded ? formatAmount(value, locale) : t('money.amount', { amount: formatYuan(value) })}
    </span>
  );
}

/** A budget: "50 万元 – 100 万元", "不超过 100 万元", "50 万元起", or "面议" when none is set. */
export function BudgetRange({ min, max }: { min: string | null | undefined; max: string | null | undefined }) {
  const t = useT();
  const { locale } = useLocale();
  const low = min === null || min === undefined || Number(min) === 0 ? null : formatAmount(min, locale);
  const high = max === null || max === undefined ? null : formatAmount(max, locale);
  let text: string;
  if (low === null && high === null) text = t('money.negotiable');
  else if (low === null) text = t('money.upTo', { max: high ?? '' });
  else if (high === null) text = t('money.from', { min: low });
  else text = t('money.range', { min: low, max: high });
  return <span style={{ fontVariantNumeric: 'tabular-nums' }}>{text}</span>;
}
