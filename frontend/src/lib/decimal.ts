// Exact decimal arithmetic for money and rates, the way the backend's Decimal does it:
// a value is an integer of units at a scale (value = units / 10^scale), so sums and
// products never lose a fen to binary floating point. Only what the app needs.

export interface Dec {
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL_PATTERN = /^(-?)(\d+)(?:\.(\d+))?$/;

/** "1234.5" → {units: 12345n, scale: 1}; null for anything that is not a plain decimal. */
export function parseDec(text: string | number): Dec | null {
  const match = DECIMAL_PATTERN.exec(String(text).trim());
  if (match === null) return null;
  const [, sign = '', whole = '0', fraction = ''] = match;
  const units = BigInt(whole + fraction);
  return { units: sign === '-' ? -units : units, scale: fraction.length };
}

/** parseDec for values known to be decimals (constants, already validated input). */
export function dec(text: string | number): Dec {
  const value = parseDec(text);
  if (value === null) throw new RangeError(`not a decimal: ${String(text)}`);
  return value;
}

export const ZERO: Dec = { units: 0n, scale: 0 };

function rescale(value: Dec, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

function aligned(a: Dec, b: Dec): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [rescale(a, scale), rescale(b, scale), scale];
}

export function add(a: Dec, b: Dec): Dec {
  const [x, y, scale] = aligned(a, b);
  return { units: x + y, scale };
}

export function sub(a: Dec, b: Dec): Dec {
  const [x, y, scale] = aligned(a, b);
  return { units: x - y, scale };
}

export function mul(a: Dec, b: Dec): Dec {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function cmp(a: Dec, b: Dec): -1 | 0 | 1 {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export const min = (a: Dec, b: Dec): Dec => (cmp(a, b) <= 0 ? a : b);
export const max = (a: Dec, b: Dec): Dec => (cmp(a, b) >= 0 ? a : b);
export const sum = (values: readonly Dec[]): Dec => values.reduce(add, ZERO);

/** Round to `places` decimals, half away from zero (Python's ROUND_HALF_UP). */
export function round(value: Dec, places = 2): Dec {
  if (value.scale <= places) return { units: rescale(value, places), scale: places };
  const divisor = 10n ** BigInt(value.scale - places);
  const negative = value.units < 0n;
  const abs = negative ? -value.units : value.units;
  const rounded = (abs + divisor / 2n) / divisor;
  return { units: negative ? -rounded : rounded, scale: places };
}

/** Plain text at the value's own scale: {12345n, 2} → "123.45". */
export function toText(value: Dec): string {
  const negative = value.units < 0n;
  const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, '0');
  const whole = digits.slice(0, digits.length - value.scale);
  const fraction = value.scale > 0 ? `.${digits.slice(digits.length - value.scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Yuan to the fen, as the API writes money: "12000.00". */
export const toFenText = (value: Dec): string => toText(round(value, 2));

/** Integer fen (for splitting), after rounding to the fen. */
export const toFen = (value: Dec): bigint => round(value, 2).units;

export const fromFen = (fen: bigint): Dec => ({ units: fen, scale: 2 });

/** Drop trailing zeros of a decimal's text: "1.500" → "1.5", "2.00" → "2". */
export function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** A rate as a percentage: "0.015" → "1.5%"; the input if it is not a decimal. */
export function ratePercent(rate: string | number): string {
  const value = parseDec(rate);
  return value === null ? String(rate) : `${trimZeros(toText(mul(value, dec(100))))}%`;
}

/** A percentage as a rate: "1.5" → "0.015" (for the policy form, which edits percentages). */
export function percentToRate(percent: string | number): string | null {
  const value = parseDec(percent);
  if (value === null) return null;
  return trimZeros(toText({ units: value.units, scale: value.scale + 2 }));
}

/** For form rules: true for an amount above zero, and for nothing entered (left to `required`). */
export function isPositiveAmount(value: string | null | undefined): boolean {
  if (!value) return true;
  const amount = parseDec(value);
  return amount !== null && cmp(amount, ZERO) > 0;
}
