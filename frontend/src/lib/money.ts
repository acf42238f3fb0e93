// Money arrives as decimal strings of yuan (the backend keeps Decimal; a
// float would lose fen), so conversions here are done on integers of fen.

function toFen(yuan: string): bigint | null {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(yuan.trim());
  if (match === null) return null;
  const [, sign = '', whole = '0', fraction = ''] = match;
  const fen = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  return sign === '-' ? -fen : fen;
}

/** "1234567.89" yuan → "123.46" 万元 (ROUND_HALF_UP to two places); null if not a decimal string. */
export function yuanToWan(yuan: string): string | null {
  const fen = toFen(yuan);
  if (fen === null) return null;
  const negative = fen < 0n;
  const abs = negative ? -fen : fen;
  // 0.01 万元 = 100 yuan = 10 000 fen
  const hundredths = (abs + 5_000n) / 10_000n;
  const text = `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, '0')}`;
  return negative && hundredths !== 0n ? `-${text}` : text;
}

/** "1234567.8" → "1,234,567.80": yuan with thousands separators, two decimals; the input if it is not a decimal. */
export function formatYuan(yuan: string | number): string {
  const fen = toFen(typeof yuan === 'number' ? yuan.toFixed(2) : yuan);
  if (fen === null) return String(yuan);
  const negative = fen < 0n;
  const abs = negative ? -fen : fen;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${whole}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** A decimal string of yuan as a number of 万元 for charts (display only, never for sums). */
export function yuanToWanNumber(yuan: string): number | null {
  const text = yuanToWan(yuan);
  return text === null ? null : Number(text);
}

/** "3,000.00" → "3,000"; fen that are there stay ("9,999.50"). */
function trimFen(text: string): string {
  return text.replace(/\.00$/, '');
}

/** "12.50" 万元 → "12.5", "150.00" → "150". */
function trimWan(text: string): string {
  return text.replace(/\.?0+$/, '');
}

/**
 * An amount as officials write it, for budgets, prices and totals (not for sums to the fen):
 * from 10,000 yuan up in 万元 ("150 万元", "12.35 万元"), below in 元 ("3,000 元"); in
 * English "¥1,500,000". The input if it is not a decimal string.
 */
export function formatAmount(yuan: string, locale: 'zh-CN' | 'en-US'): string {
  const fen = toFen(yuan);
  if (fen === null) return yuan;
  if (locale === 'en-US') return `¥${trimFen(formatYuan(yuan))}`;
  const abs = fen < 0n ? -fen : fen;
  if (abs >= 1_000_000n) return `${trimWan(yuanToWan(yuan) ?? yuan)} 万元`;
  return `${trimFen(formatYuan(yuan))} 元`;
}
