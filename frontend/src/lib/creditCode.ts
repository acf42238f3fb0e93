// Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters
// from a 31-character set (digits and capitals without I, O, Z, S, V); the
// 18th is a check character over the first 17 with weights 3^(i-1) mod 31.
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const MODULUS = CREDIT_CODE_CHARSET.length; // 31

const WEIGHTS: readonly number[] = Array.from({ length: 17 }, (_, i) => {
  let weight = 1;
  for (let k = 0; k < i; k += 1) weight = (weight * 3) % MODULUS;
  return weight;
});

const CODE_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

/** What people type: spaces around, lower case. */
export function normalizeCreditCode(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

/** The check character for the first 17 characters, or null if they are not 17 valid characters. */
export function creditCodeCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i += 1) {
    const value = CREDIT_CODE_CHARSET.indexOf(first17.charAt(i));
    if (value < 0) return null;
    sum += value * (WEIGHTS[i] ?? 0);
  }
  return CREDIT_CODE_CHARSET.charAt((MODULUS - (sum % MODULUS)) % MODULUS);
}

/** True for a well-formed code, already normalised (upper case, no spaces), whose check character matches. */
export function isValidCreditCode(code: string): boolean {
  if (!CODE_PATTERN.test(code)) return false;
  return creditCodeCheckChar(code.slice(0, 17)) === code.charAt(17);
}
