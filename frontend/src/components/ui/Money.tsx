import { useT } from '@/i18n';
import { formatYuan } from '@/lib/money';

/** A money amount as people read it: "1,234,567.89 元"; "—" for none. */
export function Money({ value, testId }: { value: string | null | undefined; testId?: string }) {
  const t = useT();
  if (value === null || value === undefined) return <span>{t('common.notAvailable')}</span>;
  return (
    <span data-testid={testId} style={{ fontVariantNumeric: 'tabular-nums' }}>
      {t('money.amount', { amount: formatYuan(value) })}
    </span>
  );
}
