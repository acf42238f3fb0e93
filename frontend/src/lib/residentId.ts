// Resident identity card number (居民身份证号码), GB 11643-1999: 17 digits and a check
// character (0-9 or X) over them with weights 2^(17-i) mod 11.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK = '10X98765432';

export function normalizeResidentId(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

/** True for 18 characters whose check character matches (what the server checks, no more). */
export function isValidResidentId(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(id.charAt(i)) * (WEIGHTS[i] ?? 0);
  return CHECK.charAt(sum % 11) === id.charAt(17);
}
