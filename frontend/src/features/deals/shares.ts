import { cmp, dec, parseDec, sum } from '@/lib/decimal';

/** Shares are percentages that must sum to exactly 100 (to two decimals). */
export function sharesSumTo100(shares: Readonly<Record<string, string | number | null | undefined>>): boolean {
  const values = Object.values(shares).map((value) => (value === null || value === undefined ? null : parseDec(String(value))));
  if (values.some((value) => value === null)) return false;
  return cmp(sum(values.filter((value) => value !== null)), dec(100)) === 0;
}
